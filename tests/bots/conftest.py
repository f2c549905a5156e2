"""The real python-telegram-bot Application, polling a Bot API stand-in on loopback."""

import asyncio
import itertools
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram.ext import Application

from assistant.conversation import Conversations
from assistant.ratelimit import RateLimiter, SQLStorage
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage import Database
from bots.telegram.application import ALLOWED_UPDATES, build_application
from tests.api.conftest import database
from tests.bots.standin import BOT_ID, BOT_USERNAME, BotApiStandIn

TOKEN = "4242:stand-in-token"
JOIN_CODE = "oss-ViA-2026"
MEMBERS = list(range(1001, 1201))
_members = iter(MEMBERS)
_ids = itertools.count(5000)


def member() -> int:
    """A fresh allowlisted user (and so a fresh private chat): tests never share a chat."""
    return next(_members)


def new_id() -> int:
    """A fresh id outside the allowlist (strangers, groups, messages)."""
    return next(_ids)


class RunningBot:
    """An Application running run_polling in its own thread and event loop."""

    def __init__(self, application: Application) -> None:  # type: ignore[type-arg]
        self.application = application
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.error: BaseException | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self.loop)
        try:
            self.application.run_polling(
                allowed_updates=ALLOWED_UPDATES, stop_signals=None, timeout=1, close_loop=False
            )
        except BaseException as exc:  # reported by stop()
            self.error = exc

    def start(self) -> None:
        """Start polling; wait (bounded) until the Application runs."""
        self.thread.start()
        deadline = time.monotonic() + 120
        while not self.application.running:
            assert self.error is None, self.error
            assert time.monotonic() < deadline, "the bot did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        """Stop polling the way Ctrl-C would, and wait for the graceful shutdown."""
        self.loop.call_soon_threadsafe(self.application.stop_running)
        self.thread.join(timeout=60)
        assert not self.thread.is_alive(), "the bot did not stop"
        assert self.error is None, self.error


@dataclass
class Bot:
    """What a test talks to: the stand-in, the database and the settings."""

    api: BotApiStandIn
    database: Database
    settings: Settings

    def send(
        self,
        text: str,
        user: int,
        chat: int | None = None,
        group: bool = False,
        reply_to_bot: bool = False,
    ) -> int:
        """Push a text message (private chat with user unless chat is given); returns the chat."""
        chat_id = chat if chat is not None else user
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": len(text.split()[0])})
        mention = f"@{BOT_USERNAME}"
        if mention in text:
            entities.append(
                {"type": "mention", "offset": text.index(mention), "length": len(mention)}
            )
        chat_info = {"id": chat_id, "type": "group" if group else "private"}
        message: dict[str, Any] = {
            "message_id": new_id(),
            "date": int(time.time()),
            "chat": chat_info,
            "from": {"id": user, "is_bot": False, "first_name": "Prof"},
            "text": text,
            "entities": entities,
        }
        if reply_to_bot:
            message["reply_to_message"] = {
                "message_id": new_id(),
                "date": int(time.time()),
                "chat": chat_info,
                "from": {"id": BOT_ID, "is_bot": True, "first_name": "ViA"},
                "text": "Een eerder antwoord.",
            }
        self.api.push({"message": message})
        return chat_id

    def press(self, data: str, chat: int, user: int | None = None, message_id: int = 1) -> None:
        """Push a button press on a bot message in chat (by the private chat's user)."""
        user = chat if user is None else user
        self.api.push(
            {
                "callback_query": {
                    "id": str(new_id()),
                    "from": {"id": user, "is_bot": False, "first_name": "Prof"},
                    "chat_instance": str(chat),
                    "data": data,
                    "message": {
                        "message_id": message_id,
                        "date": int(time.time()),
                        "chat": {"id": chat, "type": "private"},
                        "from": {"id": BOT_ID, "is_bot": True, "first_name": "ViA"},
                        "text": "…",
                    },
                }
            }
        )


@contextmanager
def running_bot(
    api: BotApiStandIn, settings: Settings, assistant: Assistant, folder: Path
) -> Iterator[Bot]:
    """A bot polling api with its own database in folder, stopped when the block ends."""
    db = database(folder)
    limiter = RateLimiter(settings.rate_limit_per_minute, SQLStorage(engine=db.engine))
    conversations = Conversations(lambda: assistant, db)
    running = RunningBot(build_application(settings, conversations, limiter))
    running.start()
    try:
        yield Bot(api, db, settings)
    finally:
        running.stop()


def telegram_settings(base: Settings, api: BotApiStandIn, **update: Any) -> Settings:
    """base with the bot configured against the stand-in."""
    values = {
        "telegram_token": TOKEN,
        "telegram_base_url": api.base_url,
        "telegram_allowed_users": MEMBERS,
        "telegram_join_code": JOIN_CODE,
        "rate_limit_per_minute": 1000,
        **update,
    }
    return base.model_copy(update=values)


def _standin() -> Iterator[BotApiStandIn]:
    standin = BotApiStandIn(TOKEN)
    standin.start()
    yield standin
    standin.stop()


@pytest.fixture(scope="module")
def api() -> Iterator[BotApiStandIn]:
    """The stand-in the module's shared bot polls."""
    yield from _standin()


@pytest.fixture
def own_api() -> Iterator[BotApiStandIn]:
    """A stand-in for one test's own bot (two bots never poll one stand-in)."""
    yield from _standin()


@pytest.fixture(scope="module")
def bot(
    api: BotApiStandIn,
    bundled_settings: Settings,
    bundled_assistant: Assistant,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Bot]:
    """The bot over the bundled index, polling the stand-in."""
    settings = telegram_settings(bundled_settings, api)
    with running_bot(api, settings, bundled_assistant, tmp_path_factory.mktemp("tg")) as bot:
        yield bot
