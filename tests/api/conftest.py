"""A real uvicorn server on a free loopback port, serving the app over the bundled index."""

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from assistant.api.app import create_app
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage import Database, make_engine
from tests.conftest import serve


@dataclass
class Server:
    """A running server: its base URL and the app's database."""

    url: str
    database: Database
    settings: Settings


def database(folder: Path) -> Database:
    """A fresh SQLite database in folder."""
    return Database(make_engine(f"sqlite:///{folder / 'via.sqlite'}"), 3600, 6)


@pytest.fixture(scope="module")
def server(
    bundled_settings: Settings,
    bundled_assistant: Assistant,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Server]:
    """The API over the bundled index, with a low rate limit and two API keys."""
    settings = bundled_settings.model_copy(
        update={"api_keys": ["sleutel-een", "sleutel-twee"], "rate_limit_per_minute": 1000}
    )
    db = database(tmp_path_factory.mktemp("db"))
    app = create_app(settings, bundled_assistant, db)
    for url in serve(app):
        yield Server(url, db, settings)


@pytest.fixture
def client(server: Server) -> Iterator[httpx.Client]:
    """An HTTP client with a valid key."""
    headers = {"Authorization": "Bearer sleutel-een"}
    with httpx.Client(base_url=server.url, headers=headers, timeout=60) as c:
        yield c
