"""Conversation history and feedback in one SQL database (SQLite by default, any SQLAlchemy URL)."""

from assistant.storage.database import Database
from assistant.storage.engine import UNAVAILABLE, answers, make_engine
from assistant.storage.feedback import Rating

__all__ = ["UNAVAILABLE", "Database", "Rating", "answers", "make_engine"]
