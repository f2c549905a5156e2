"""Conversation history and feedback in one SQL database (SQLite by default, any SQLAlchemy URL)."""

import functools
import json
import secrets
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, Literal, ParamSpec, TypeVar

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
PURGE_INTERVAL = 60.0  # seconds between clean-ups of expired conversations
UNAVAILABLE = "Database voor gesprekken niet bereikbaar of bezet ({kind}). Probeer het opnieuw."

P = ParamSpec("P")
R = TypeVar("R")

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

walks = Table(
    "via_walks",
    metadata,
    Column("session_id", String(128), primary_key=True),
    Column("state", Text, nullable=False),
    Column("updated_at", Float, nullable=False),
)

members = Table(
    "via_members",
    metadata,
    Column("member", String(128), primary_key=True),
    Column("joined_at", Float, nullable=False),
)


def _translated(method: Callable[P, R]) -> Callable[P, R]:
    """Turn any database failure into StoreUnavailableError (a 503 with a Dutch reason)."""

    @functools.wraps(method)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except SQLAlchemyError as exc:
            raise StoreUnavailableError(UNAVAILABLE.format(kind=type(exc).__name__)) from exc

    return wrapper


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL, a busy timeout and fewer fsyncs, so several workers on one machine share the file."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: durable on commit except on power loss
    cursor.close()


def answers(engine: Engine) -> bool:
    """True when the database behind engine answers a trivial query."""
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return True
    except SQLAlchemyError:
        return False


def make_engine(url: str) -> Engine:
    """An engine for url; SQLite files get WAL mode and their folder is created."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 10})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


class Database:
    """Server-side conversation history (redacted, expiring), feedback, walks and members."""

    def __init__(self, engine: Engine, ttl_seconds: float, history_turns: int) -> None:
        self.engine = engine
        self.ttl_seconds = ttl_seconds
        self.history_turns = history_turns
        self._purged_at = 0.0
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
        return answers(self.engine)

    @_translated
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

    @_translated
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

    @_translated
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

    @_translated
    def forget(self, session_id: str) -> int:
        """Delete a conversation's history and walk (feedback already given stays)."""
        with self.engine.begin() as conn:
            conn.execute(delete(walks).where(walks.c.session_id == session_id))
            result = conn.execute(delete(turns).where(turns.c.session_id == session_id))
        return int(result.rowcount or 0)

    @_translated
    def save_walk(self, session_id: str, state: str | None) -> None:
        """Keep (or with None, drop) the wegwijzer state of a conversation."""
        with self.engine.begin() as conn:
            conn.execute(delete(walks).where(walks.c.session_id == session_id))
            if state is not None:
                conn.execute(
                    insert(walks).values(session_id=session_id, state=state, updated_at=time.time())
                )

    @_translated
    def walk(self, session_id: str) -> str | None:
        """The wegwijzer state of a conversation, None when there is none or it expired."""
        cutoff = time.time() - self.ttl_seconds
        query = select(walks.c.state).where(
            walks.c.session_id == session_id, walks.c.updated_at >= cutoff
        )
        with self.engine.connect() as conn:
            return conn.execute(query).scalar_one_or_none()

    @_translated
    def admit(self, member: str) -> None:
        """Record that a member (e.g. 'telegram:<user id>') has joined with the join code."""
        with self.engine.begin() as conn:
            conn.execute(delete(members).where(members.c.member == member))
            conn.execute(insert(members).values(member=member, joined_at=time.time()))

    @_translated
    def is_member(self, member: str) -> bool:
        """True when the member joined earlier."""
        query = select(members.c.member).where(members.c.member == member)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None

    @_translated
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

    @_translated
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
