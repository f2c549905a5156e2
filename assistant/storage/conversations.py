"""Conversation history (redacted, expiring) and wegwijzer walk state."""

import json
import secrets
import time

from sqlalchemy import Engine, delete, func, insert, select

from assistant.answer import Answer
from assistant.privacy import redact
from assistant.storage.engine import translated
from assistant.storage.tables import turns, walks

PURGE_INTERVAL = 60.0  # seconds between clean-ups of expired conversations


class ConversationStore:
    """Mixin for Database: turns and walks of a session, forgotten after the time-to-live."""

    engine: Engine
    ttl_seconds: float
    history_turns: int
    _purged_at: float

    @translated
    def purge_expired(self, now: float | None = None) -> int:
        """Forget every conversation (and walk) whose last turn is older than the time-to-live."""
        now = time.time() if now is None else now
        cutoff = now - self.ttl_seconds
        stale = (
            select(turns.c.session_id)
            .group_by(turns.c.session_id)
            .having(func.max(turns.c.created_at) < cutoff)
        )
        with self.engine.begin() as conn:
            conn.execute(delete(walks).where(walks.c.updated_at < cutoff))
            result = conn.execute(delete(turns).where(turns.c.session_id.in_(stale)))
        self._purged_at = now
        return int(result.rowcount or 0)

    @translated
    def history(self, session_id: str) -> list[str]:
        """The redacted earlier questions of a live conversation, oldest first."""
        if self.history_turns == 0:
            return []
        cutoff = time.time() - self.ttl_seconds
        query = (
            select(turns.c.question, turns.c.created_at)
            .where(turns.c.session_id == session_id, turns.c.status != "refused")
            .order_by(turns.c.id.desc())
            .limit(self.history_turns)
        )
        with self.engine.connect() as conn:
            rows = conn.execute(query).all()
        if not rows or rows[0].created_at < cutoff:  # only live conversations
            return []
        return [r.question for r in reversed(rows)]

    @translated
    def last_answer(self, session_id: str) -> str:
        """The text of the latest answer in a live conversation ("" when there is none)."""
        cutoff = time.time() - self.ttl_seconds
        query = (
            select(turns.c.answer, turns.c.created_at)
            .where(turns.c.session_id == session_id, turns.c.status.in_(["answered", "emergency"]))
            .order_by(turns.c.id.desc())
            .limit(1)
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return "" if row is None or row.created_at < cutoff else str(row.answer)

    @translated
    def record_turn(
        self, session_id: str, question: str, answer: Answer, channel: str = "api"
    ) -> str:
        """Store a redacted turn and return the new answer_id (cleaning up once a minute)."""
        if time.time() - self._purged_at >= PURGE_INTERVAL:
            self.purge_expired()
        answer_id = secrets.token_hex(8)
        with self.engine.begin() as conn:
            conn.execute(
                insert(turns).values(
                    session_id=session_id,
                    answer_id=answer_id,
                    question=redact(question.strip()),
                    status=answer.status,
                    answer=answer.text,
                    citations=json.dumps([c.chunk_id for c in answer.citations]),
                    channel=channel,
                    created_at=time.time(),
                )
            )
        return answer_id

    @translated
    def forget(self, session_id: str) -> int:
        """Delete a conversation's history and walk (feedback already given stays)."""
        with self.engine.begin() as conn:
            conn.execute(delete(walks).where(walks.c.session_id == session_id))
            result = conn.execute(delete(turns).where(turns.c.session_id == session_id))
        return int(result.rowcount or 0)

    @translated
    def save_walk(self, session_id: str, state: str | None) -> None:
        """Keep (or with None, drop) the wegwijzer state of a conversation."""
        with self.engine.begin() as conn:
            conn.execute(delete(walks).where(walks.c.session_id == session_id))
            if state is not None:
                conn.execute(
                    insert(walks).values(session_id=session_id, state=state, updated_at=time.time())
                )

    @translated
    def walk(self, session_id: str) -> str | None:
        """The wegwijzer state of a conversation, None when there is none or it expired."""
        cutoff = time.time() - self.ttl_seconds
        query = select(walks.c.state).where(
            walks.c.session_id == session_id, walks.c.updated_at >= cutoff
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()
