"""Rate limits that every worker shares: a `limits` moving window kept in the project's database."""

import time

from limits import RateLimitItemPerMinute
from limits.storage import MovingWindowSupport, Storage
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import (
    Column,
    Engine,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.schema import CreateIndex, CreateTable

from assistant.errors import StoreUnavailableError
from assistant.storage.engine import UNAVAILABLE, answers, make_engine

_metadata = MetaData()
hits = Table(
    "via_rate_limit_hits",
    _metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("key", String(255), nullable=False),
    Column("expires_at", Float, nullable=False),
    Index("ix_via_rate_limit_hits_key", "key", "expires_at"),
    Index("ix_via_rate_limit_hits_expires_at", "expires_at"),
)


class SQLStorage(Storage, MovingWindowSupport):
    """A `limits` storage for the moving window in SQLite or PostgreSQL: one row per hit."""

    STORAGE_SCHEME = ["sqlite", "postgresql", "postgresql+psycopg"]  # noqa: RUF012

    def __init__(
        self,
        uri: str | None = None,
        wrap_exceptions: bool = False,
        *,
        engine: Engine | None = None,
        **options: float | str | bool,
    ) -> None:
        super().__init__(uri, wrap_exceptions, **options)
        self.engine = engine if engine is not None else make_engine(str(uri))
        with self.engine.begin() as conn:  # IF NOT EXISTS: workers start at the same time
            conn.execute(CreateTable(hits, if_not_exists=True))
            for index in hits.indexes:
                conn.execute(CreateIndex(index, if_not_exists=True))

    @property
    def base_exceptions(self) -> type[Exception]:
        """What a failing database raises."""
        return SQLAlchemyError

    def acquire_entry(self, key: str, limit: int, expiry: int, amount: int = 1) -> bool:
        """Record amount hits when the window then holds at most limit; else record nothing."""
        now = time.time()
        with self.engine.begin() as conn:
            if conn.dialect.name == "postgresql":  # one transaction per key at a time
                conn.execute(text("SELECT pg_advisory_xact_lock(hashtext(:key))"), {"key": key})
            # on SQLite this first statement takes the write lock, which serializes the rest
            conn.execute(delete(hits).where(hits.c.expires_at <= now))
            count = conn.execute(
                select(func.count()).where(hits.c.key == key, hits.c.expires_at > now)
            ).scalar_one()
            if count + amount > limit:
                return False
            conn.execute(insert(hits), [{"key": key, "expires_at": now + expiry}] * amount)
        return True

    def get_moving_window(self, key: str, limit: int, expiry: int) -> tuple[float, int]:
        """When the oldest hit in the window was made, and how many hits the window holds."""
        now = time.time()
        query = select(func.min(hits.c.expires_at), func.count()).where(
            hits.c.key == key, hits.c.expires_at > now
        )
        with self.engine.connect() as conn:
            oldest, count = conn.execute(query).one()
        return (oldest - expiry if count else now), int(count)

    def clear(self, key: str) -> None:
        """Forget the hits of key."""
        with self.engine.begin() as conn:
            conn.execute(delete(hits).where(hits.c.key == key))

    def reset(self) -> int | None:
        """Forget every hit; returns how many there were."""
        with self.engine.begin() as conn:
            return int(conn.execute(delete(hits)).rowcount or 0)

    def check(self) -> bool:
        """True when the database answers."""
        return answers(self.engine)

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Not supported: this storage keeps moving windows only."""
        raise NotImplementedError("SQLStorage supports the moving window strategy only")

    def get(self, key: str) -> int:
        """Not supported: this storage keeps moving windows only."""
        raise NotImplementedError("SQLStorage supports the moving window strategy only")

    def get_expiry(self, key: str) -> float:
        """Not supported: this storage keeps moving windows only."""
        raise NotImplementedError("SQLStorage supports the moving window strategy only")


class RateLimiter:
    """At most `per_minute` events per minute per key, counted in a storage all workers share."""

    def __init__(self, per_minute: int, storage: Storage) -> None:
        self.item = RateLimitItemPerMinute(per_minute)
        self.strategy = MovingWindowRateLimiter(storage)

    def check(self, key: str) -> float:
        """Record an event; return 0 when allowed, else the seconds until the next is allowed."""
        try:
            if self.strategy.hit(self.item, key):
                return 0.0
            reset = self.strategy.get_window_stats(self.item, key).reset_time
        except SQLAlchemyError as exc:
            raise StoreUnavailableError(UNAVAILABLE.format(kind=type(exc).__name__)) from exc
        return max(reset - time.time(), 0.001)
