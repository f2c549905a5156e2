"""The Database: conversations, feedback and members over one SQLAlchemy engine."""

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from assistant.errors import StoreUnavailableError
from assistant.settings import Settings
from assistant.storage.conversations import ConversationStore
from assistant.storage.engine import answers, make_engine
from assistant.storage.feedback import FeedbackStore
from assistant.storage.members import MemberStore
from assistant.storage.tables import metadata


class Database(ConversationStore, FeedbackStore, MemberStore):
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
