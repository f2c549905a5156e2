"""Chroma server mode for real: `chroma run` on loopback, same ingest and query path."""

from pathlib import Path

import pytest

from assistant.errors import StoreUnavailableError
from assistant.retrieval.embeddings import BundledEmbeddings, IndexEmbeddings
from assistant.retrieval.store import open_store
from assistant.service import Assistant
from assistant.settings import Settings
from ingestion.pipeline import ingest
from tests.conftest import ChromaProcess, free_port, on_chroma_server, write_huisverbod

pytestmark = [pytest.mark.slow, pytest.mark.chroma_server]


def test_ingest_and_query_through_chroma_server(
    tmp_path: Path,
    corpus: Path,
    settings: Settings,
    chroma_server: ChromaProcess,
    embeddings: IndexEmbeddings,
) -> None:
    write_huisverbod(corpus)
    settings = on_chroma_server(settings, chroma_server.port)
    report = ingest(settings, embeddings=embeddings)
    assert report.added == ["huisverbod.md"]
    assert not (tmp_path / "data" / "chroma").exists()
    answer = Assistant.from_settings(settings).ask("Hoe lang duurt een huisverbod?")
    assert answer.status == "answered" and "tien dagen" in answer.text


def test_unreachable_server_is_a_clear_error(settings: Settings) -> None:
    settings = on_chroma_server(settings, free_port())
    with pytest.raises(StoreUnavailableError, match="niet bereikbaar"):
        open_store(settings, BundledEmbeddings())
