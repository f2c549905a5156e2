"""Members of chat channels that joined with the join code (the Telegram allow-list)."""

import time

from sqlalchemy import Engine, delete, insert, select

from assistant.storage.engine import translated
from assistant.storage.tables import members


class MemberStore:
    """Mixin for Database: admit members and ask whether someone is one."""

    engine: Engine

    @translated
    def admit(self, member: str) -> None:
        """Record that a member (e.g. 'telegram:<user id>') has joined with the join code."""
        with self.engine.begin() as conn:
            conn.execute(delete(members).where(members.c.member == member))
            conn.execute(insert(members).values(member=member, joined_at=time.time()))

    @translated
    def is_member(self, member: str) -> bool:
        """True when the member joined earlier."""
        query = select(members.c.member).where(members.c.member == member)
        with self.engine.connect() as conn:
            return conn.execute(query).first() is not None
