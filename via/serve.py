"""The served app: the HTTP API with the Telegram webhook mounted when it is configured."""

from collections.abc import Callable

from fastapi import FastAPI

from assistant.api.app import Channel, create_app
from assistant.api.runtime import Runtime
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage import Database
from bots.telegram.webhook import TelegramWebhook


def telegram_webhook(settings: Settings) -> list[Callable[[Runtime], Channel]]:
    """The webhook channel when a token and a webhook secret are set, else nothing."""
    if not (settings.telegram_token and settings.telegram_webhook_secret):
        return []

    def make(rt: Runtime) -> Channel:
        return TelegramWebhook(settings, rt.conversations, rt.limiter)

    return [make]


def build_app(
    settings: Settings | None = None,
    assistant: Assistant | None = None,
    database: Database | None = None,
) -> FastAPI:
    """The API app for these settings, with every configured channel mounted."""
    settings = settings or Settings()
    return create_app(settings, assistant, database, channels=telegram_webhook(settings))


def app_from_env() -> FastAPI:
    """Factory for uvicorn (`via serve`): settings from the environment."""
    return build_app(Settings())
