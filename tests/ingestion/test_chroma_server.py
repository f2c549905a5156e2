"""Chroma server mode for real: `chroma run` on loopback, same ingest and query path."""

from pathlib import Path

import pytest

from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.errors import StoreUnavailableError
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.store import open_store
from ingestion.pipeline import ingest
from tests.conftest import ChromaProcess, free_port

pytestmark = [pytest.mark.slow, pytest.mark.chroma_server]


def test_ingest_and_query_through_chroma_server(
    tmp_path: Path,
    corpus: Path,
    chroma_server: ChromaProcess,
    embeddings: SentenceTransformerEmbeddings,
) -> None:
    (corpus / "huisverbod.md").write_text(
        "# Huisverbod\n\n## Duur\n\nEen huisverbod duurt in beginsel tien dagen.\n",
        encoding="utf-8",
    )
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        corpus_dir=corpus,
        chroma_host="127.0.0.1",
        chroma_port=chroma_server.port,
        _env_file=None,
    )
    report = ingest(settings, embeddings=embeddings)
    assert report.added == ["huisverbod.md"]
    assert not (tmp_path / "data" / "chroma").exists()
    answer = Assistant.from_settings(settings).ask("Hoe lang duurt een huisverbod?")
    assert answer.status == "answered" and "tien dagen" in answer.text


def test_unreachable_server_is_a_clear_error(tmp_path: Path, corpus: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        corpus_dir=corpus,
        chroma_host="127.0.0.1",
        chroma_port=free_port(),
        _env_file=None,
    )
    with pytest.raises(StoreUnavailableError, match="niet bereikbaar"):
        open_store(settings, SentenceTransformerEmbeddings("all-MiniLM-L6-v2"))
