"""Shared fixtures: the real embedding model, settings in tmp dirs, the bundled index."""

import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant.retrieval.embeddings import BundledEmbeddings, IndexEmbeddings
from assistant.service import Assistant
from assistant.settings import Settings
from ingestion.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent


class CountingEmbeddings(BundledEmbeddings):
    """The real model, counting how many passages and questions it embedded."""

    embedded = 0
    questions = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed and count."""
        type(self).embedded += len(texts)
        return super().embed_documents(texts)

    def embed_query(self, text: str) -> list[float]:
        """Embed and count."""
        type(self).questions += 1
        return super().embed_query(text)


@pytest.fixture(scope="session")
def embeddings() -> IndexEmbeddings:
    """The bundled multilingual-e5-small model, loaded once."""
    return CountingEmbeddings()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """An empty corpus folder."""
    folder = tmp_path / "corpus"
    folder.mkdir()
    return folder


@pytest.fixture
def settings(tmp_path: Path, corpus: Path) -> Settings:
    """Settings pointing at tmp dirs."""
    return Settings(data_dir=tmp_path / "data", corpus_dir=corpus, _env_file=None)  # type: ignore[call-arg]


def on_chroma_server(settings: Settings, port: int) -> Settings:
    """settings pointed at a Chroma server on loopback port."""
    return settings.model_copy(update={"chroma_host": "127.0.0.1", "chroma_port": port})


def write_huisverbod(corpus: Path) -> None:
    """A one-passage corpus document: 'Een huisverbod duurt in beginsel tien dagen.'"""
    (corpus / "huisverbod.md").write_text(
        "# Huisverbod\n\n## Duur\n\nEen huisverbod duurt in beginsel tien dagen.\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over a copy of the bundled corpus."""
    base = tmp_path_factory.mktemp("bundled")
    shutil.copytree(ROOT / "corpus", base / "corpus")
    return Settings(data_dir=base / "data", corpus_dir=base / "corpus", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def bundled_assistant(
    bundled_settings: Settings, embeddings: IndexEmbeddings
) -> Iterator[Assistant]:
    """An Assistant over the ingested bundled corpus (real model, real Chroma)."""
    report = ingest(bundled_settings, embeddings=embeddings)
    assert not report.failed, report.failed
    assistant = Assistant.from_settings(bundled_settings, embeddings)
    yield assistant


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(app: Starlette) -> Iterator[str]:
    """Run an ASGI app under uvicorn in a thread until the generator is closed (bounded start)."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


class ChromaProcess:
    """A real `chroma run` server on loopback that a test can stop and start again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server and wait (at most 60 s) until it accepts connections."""
        exe = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
        args = ["run", "--path", str(self.path), "--host", "127.0.0.1", "--port", str(self.port)]
        self.proc = subprocess.Popen(
            [exe, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.2)
        pytest.fail("chroma run did not start within 60 s")

    def stop(self) -> None:
        """Stop the server."""
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
            self.proc = None


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[ChromaProcess]:
    """A started Chroma server with its data in tmp_path."""
    server = ChromaProcess(tmp_path / "chroma-server")
    server.start()
    yield server
    server.stop()
