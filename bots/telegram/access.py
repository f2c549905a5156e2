"""Who may use the bot (allowlist or join code) and how often (the shared rate limit)."""

import asyncio
import math

from telegram import Update

from assistant.keys import matches
from assistant.ratelimit import RateLimiter
from assistant.settings import Settings
from assistant.storage import Database
from bots.telegram import texts
from bots.telegram.sending import send

CHANNEL = "telegram"


class Access:
    """Membership and rate limit of Telegram users, kept in the shared database."""

    def __init__(self, settings: Settings, database: Database, limiter: RateLimiter) -> None:
        self.settings = settings
        self.database = database
        self.limiter = limiter

    def allowed(self, user_id: int) -> bool:
        """On the allowlist, or joined earlier with the join code."""
        if user_id in self.settings.telegram_allowed_users:
            return True
        return bool(self.settings.telegram_join_code) and self.database.is_member(
            f"{CHANNEL}:{user_id}"
        )

    def join(self, user_id: int, code: str) -> bool:
        """Admit the user when code is the configured join code."""
        if not matches(code, self.settings.telegram_join_code):
            return False
        self.database.admit(f"{CHANNEL}:{user_id}")
        return True

    async def admitted(self, update: Update) -> bool:
        """True for members; others get the polite refusal (once per message or button)."""
        user = update.effective_user
        if user is not None and await asyncio.to_thread(self.allowed, user.id):
            return True
        if update.callback_query is not None:
            await update.callback_query.answer(texts.NO_ACCESS, show_alert=True)
        elif update.effective_message is not None:
            await send(update.effective_message, [texts.NOT_ALLOWED])
        return False

    async def within_rate(self, update: Update) -> bool:
        """Per-user rate limit; a Dutch wait message when exceeded."""
        user = update.effective_user
        wait = await asyncio.to_thread(self.limiter.check, f"{CHANNEL}:{user.id if user else 0}")
        if wait > 0 and update.effective_message is not None:
            seconds = math.ceil(wait)
            await send(update.effective_message, [texts.RATE_LIMITED.format(seconds=seconds)])
        return wait <= 0
