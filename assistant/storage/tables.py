"""The tables of the conversation database, all on one MetaData."""

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text

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
