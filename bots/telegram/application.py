"""Build the python-telegram-bot Application (polling or webhook) and run it with polling."""

import asyncio
import logging
from functools import cache

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    MessageHandler,
    filters,
)

from assistant.conversation import Conversations
from assistant.errors import ViaError
from assistant.ratelimit import RateLimiter, SQLStorage
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage import Database
from bots.telegram import texts
from bots.telegram.access import Access
from bots.telegram.handlers import ViaBot
from bots.telegram.ordering import PerChatOrder

ALLOWED_UPDATES = [Update.MESSAGE, Update.CALLBACK_QUERY]


class TelegramConfigError(ViaError):
    """The bot cannot start with these settings."""


def check_config(settings: Settings) -> str:
    """The token; TelegramConfigError when it or any access rule is missing."""
    if not settings.telegram_token:
        raise TelegramConfigError(
            "VIA_TELEGRAM_TOKEN ontbreekt: maak een bot aan bij @BotFather en zet het token in "
            "VIA_TELEGRAM_TOKEN."
        )
    if not settings.telegram_allowed_users and not settings.telegram_join_code:
        raise TelegramConfigError(
            "Stel VIA_TELEGRAM_ALLOWED_USERS (Telegram-gebruikersnummers) of "
            "VIA_TELEGRAM_JOIN_CODE in: de bot is alleen voor aangesloten professionals."
        )
    return settings.telegram_token


async def register_commands(application: Application) -> None:  # type: ignore[type-arg]
    """Publish the commands with their Dutch descriptions (Telegram's command menu)."""
    await application.bot.set_my_commands([BotCommand(c, d) for c, d in texts.COMMANDS])


def build_application(
    settings: Settings,
    conversations: Conversations,
    limiter: RateLimiter,
    *,
    webhook: bool = False,
) -> Application:  # type: ignore[type-arg]
    """The Application with every handler; webhook=True leaves out the polling Updater."""
    token = check_config(settings)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its INFO lines carry the token
    bot = ViaBot(settings, conversations, Access(settings, conversations.database, limiter))

    async def post_init(application: Application) -> None:  # type: ignore[type-arg]
        """Polling start-up, after the token is verified: commands, then the index and model."""
        await register_commands(application)
        await asyncio.to_thread(lambda: conversations.catalog.size)

    builder = (
        Application.builder()
        .token(token)
        .base_url(settings.telegram_base_url)
        .concurrent_updates(PerChatOrder(8))
        .post_init(post_init)
    )
    if webhook:
        builder = builder.updater(None)
    application = builder.build()
    for name, callback in (
        ("start", bot.start),
        ("help", bot.help),
        ("meldcode", bot.meldcode),
        ("bronnen", bot.sources),
        ("nieuw", bot.forget),
        ("privacy", bot.privacy),
    ):
        application.add_handler(CommandHandler(name, callback))
    application.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, bot.question))
    application.add_handler(CallbackQueryHandler(bot.walk_button, pattern=r"^mc:"))
    application.add_handler(CallbackQueryHandler(bot.feedback, pattern=r"^fb:(up|down):\w{1,32}$"))
    application.add_error_handler(bot.failed)
    return application


def run_polling(settings: Settings) -> None:
    """`via telegram`: check the settings and token, load the index once, poll until Ctrl-C."""
    database = Database.from_settings(settings)
    conversations = Conversations(cache(lambda: Assistant.from_settings(settings)), database)
    limiter = RateLimiter(settings.rate_limit_per_minute, SQLStorage(engine=database.engine))
    application = build_application(settings, conversations, limiter)
    application.run_polling(allowed_updates=ALLOWED_UPDATES)
