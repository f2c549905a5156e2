"""Chroma server mode for real: `chroma run` on loopback, same ingest and query path."""

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.errors import StoreUnavailableError
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.store import open_store
from ingestion.pipeline import ingest

pytestmark = [pytest.mark.slow, pytest.mark.chroma_server]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_port(tmp_path: Path) -> Iterator[int]:
    exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = _free_port()
    proc = subprocess.Popen(
        [
            exe,
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.2)
        else:
            pytest.fail("chroma run did not start within 60 s")
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_ingest_and_query_through_chroma_server(
    tmp_path: Path, corpus: Path, chroma_port: int, embeddings: SentenceTransformerEmbeddings
) -> None:
    (corpus / "huisverbod.md").write_text(
        "# Huisverbod\n\n## Duur\n\nEen huisverbod duurt in beginsel tien dagen.\n",
        encoding="utf-8",
    )
    settings = Settings(  # type: ignore[call-arg]
        data_dir=tmp_path / "data",
        corpus_dir=corpus,
        chroma_host="127.0.0.1",
        chroma_port=chroma_port,
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
        chroma_port=_free_port(),
        _env_file=None,
    )
    with pytest.raises(StoreUnavailableError, match="niet bereikbaar"):
        open_store(settings, SentenceTransformerEmbeddings("all-MiniLM-L6-v2"))
