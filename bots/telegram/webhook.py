"""Webhook mode: the API app receives Telegram updates at /telegram/webhook."""

import asyncio
import logging
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from telegram import Update
from telegram.error import TelegramError

from assistant.conversation import Conversations
from assistant.keys import matches
from assistant.ratelimit import RateLimiter
from assistant.settings import Settings
from bots.telegram.application import ALLOWED_UPDATES, build_application, register_commands

log = logging.getLogger("via.telegram")
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramWebhook:
    """A python-telegram-bot Application without Updater, fed by a FastAPI route."""

    def __init__(
        self, settings: Settings, conversations: Conversations, limiter: RateLimiter
    ) -> None:
        self.settings = settings
        self.application = build_application(settings, conversations, limiter, webhook=True)
        self.router = APIRouter(include_in_schema=False)
        self.router.add_api_route("/telegram/webhook", self.receive, methods=["POST"])
        self._lock = asyncio.Lock()

    async def start(self) -> bool:
        """Initialise and start the Application (once); False when Telegram is unreachable."""
        async with self._lock:
            if self.application.running:
                return True
            try:
                await self.application.initialize()
                await register_commands(self.application)
                if self.settings.telegram_webhook_url:
                    await self.application.bot.set_webhook(
                        self.settings.telegram_webhook_url,
                        secret_token=self.settings.telegram_webhook_secret,
                        allowed_updates=ALLOWED_UPDATES,
                    )
                await self.application.start()
            except TelegramError as exc:
                log.error("Telegram bot not started: %s", type(exc).__name__)
                return False
            return True

    async def stop(self) -> None:
        """Stop and shut down the Application when it runs."""
        if self.application.running:
            await self.application.stop()
        await self.application.shutdown()

    async def receive(self, request: Request) -> dict[str, Any]:
        """Verify Telegram's secret header, then queue the update for the handlers."""
        given = request.headers.get(SECRET_HEADER, "")
        if not matches(given, self.settings.telegram_webhook_secret):
            raise HTTPException(403, "Ongeldig of ontbrekend Telegram-geheim.")
        if not await self.start():
            raise HTTPException(503, "De Telegram-bot is nu niet beschikbaar.")
        try:
            update = Update.de_json(await request.json(), self.application.bot)
        except (ValueError, TypeError, KeyError) as exc:
            raise HTTPException(400, "Ongeldige Telegram-update.") from exc
        await self.application.update_queue.put(update)
        return {}
