"""Conversation history and feedback in one SQL database (SQLite by default, any SQLAlchemy URL)."""

import json
import secrets
import time
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import (
    Column,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    delete,
    event,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError

from assistant.answer import Answer
from assistant.errors import StoreUnavailableError
from assistant.privacy import redact
from assistant.settings import Settings

Rating = Literal["up", "down"]

metadata = MetaData()

turns = Table(
    "via_turns",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(128), index=True, nullable=False),
    Column("answer_id", String(32), unique=True, nullable=False),
    Column("question", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", Text, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("created_at", Float, index=True, nullable=False),
)

feedback = Table(
    "via_feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("session_id", String(128), nullable=False),
    Column("answer_id", String(32), index=True, nullable=False),
    Column("rating", String(8), nullable=False),
    Column("comment", Text, nullable=False),
    Column("question", Text, nullable=False),
    Column("status", String(16), nullable=False),
    Column("answer", Text, nullable=False),
    Column("citations", Text, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("created_at", Float, nullable=False),
)


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL and a busy timeout, so several workers on one machine can share the file."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """An engine for url; SQLite files get WAL mode and their folder is created."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """Server-side conversation history (redacted, expiring) and answer feedback."""

    def __init__(self, engine: Engine, ttl_seconds: float, history_turns: int) -> None:
        self.engine = engine
        self.ttl_seconds = ttl_seconds
        self.history_turns = history_turns
        metadata.create_all(engine)

    @classmethod
    def from_settings(cls, settings: Settings) -> "Database":
        """Open (and create) the database the settings point to."""
        if settings.database_url is None:
            settings.data_dir.mkdir(parents=True, exist_ok=True)
        try:
            engine = make_engine(settings.db_url)
            return cls(engine, settings.session_ttl_minutes * 60, settings.history_turns)
        except SQLAlchemyError as exc:
            raise StoreUnavailableError(
                f"Database voor gesprekken niet bereikbaar ({type(exc).__name__})."
            ) from exc

    def ping(self) -> bool:
        """True when the database answers a trivial query."""
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except SQLAlchemyError:
            return False

    def purge_expired(self, now: float | None = None) -> int:
        """Forget every conversation whose last turn is older than the time-to-live."""
        cutoff = (now if now is not None else time.time()) - self.ttl_seconds
        stale = (
            select(turns.c.session_id)
            .group_by(turns.c.session_id)
            .having(func.max(turns.c.created_at) < cutoff)
        )
        with self.engine.begin() as conn:
            result = conn.execute(delete(turns).where(turns.c.session_id.in_(stale)))
        return int(result.rowcount or 0)

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

    def record_turn(
        self, session_id: str, question: str, answer: Answer, channel: str = "api"
    ) -> str:
        """Store a redacted turn and return the new answer_id."""
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

    def forget(self, session_id: str) -> int:
        """Delete a conversation's history (feedback already given stays)."""
        with self.engine.begin() as conn:
            result = conn.execute(delete(turns).where(turns.c.session_id == session_id))
        return int(result.rowcount or 0)

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
