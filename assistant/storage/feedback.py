"""Ratings of answers, stored with a redacted copy of the turn so they outlive the conversation."""

import json
import time
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import Engine, insert, select

from assistant.privacy import redact
from assistant.storage.engine import translated
from assistant.storage.tables import feedback, turns

Rating = Literal["up", "down"]


class FeedbackStore:
    """Mixin for Database: add feedback to a recorded answer and export it all."""

    engine: Engine

    @translated
    def add_feedback(
        self,
        session_id: str,
        answer_id: str,
        rating: Rating,
        comment: str = "",
        channel: str = "api",
    ) -> bool:
        """Store a rating for a known answer of this session; False when the answer is unknown."""
        with self.engine.begin() as conn:
            turn = conn.execute(
                select(turns).where(
                    turns.c.answer_id == answer_id, turns.c.session_id == session_id
                )
            ).first()
            if turn is None:
                return False
            conn.execute(
                insert(feedback).values(
                    session_id=session_id,
                    answer_id=answer_id,
                    rating=rating,
                    comment=redact(comment.strip()),
                    question=turn.question,
                    status=turn.status,
                    answer=turn.answer,
                    citations=turn.citations,
                    channel=channel,
                    created_at=time.time(),
                )
            )
        return True

    @translated
    def export_feedback(self) -> list[dict[str, Any]]:
        """All feedback, oldest first, for maintainers (already redacted)."""
        with self.engine.connect() as conn:
            rows = conn.execute(select(feedback).order_by(feedback.c.id)).mappings().all()
        return [
            {
                "answer_id": r["answer_id"],
                "session_id": r["session_id"],
                "rating": r["rating"],
                "comment": r["comment"],
                "question": r["question"],
                "status": r["status"],
                "answer": r["answer"],
                "citations": json.loads(r["citations"]),
                "channel": r["channel"],
                "created_at": datetime.fromtimestamp(r["created_at"], UTC).isoformat(),
            }
            for r in rows
        ]
