"""Engines for the conversation database: SQLite pragmas, a liveness check, error translation."""

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError

from assistant.errors import StoreUnavailableError

UNAVAILABLE = "Database voor gesprekken niet bereikbaar of bezet ({kind}). Probeer het opnieuw."

P = ParamSpec("P")
R = TypeVar("R")


def translated(method: Callable[P, R]) -> Callable[P, R]:
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
