"""Shared fixtures: the real embedding model, settings in tmp dirs, the bundled index."""

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.service import Assistant
from assistant.settings import Settings
from ingestion.pipeline import ingest

ROOT = Path(__file__).resolve().parent.parent


class CountingEmbeddings(SentenceTransformerEmbeddings):
    """The real model, counting how many passages it embedded."""

    embedded = 0

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed and count."""
        type(self).embedded += len(texts)
        return super().embed_documents(texts)


@pytest.fixture(scope="session")
def embeddings() -> SentenceTransformerEmbeddings:
    """The bundled all-MiniLM-L6-v2 model, loaded once."""
    return CountingEmbeddings("all-MiniLM-L6-v2")


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


@pytest.fixture(scope="session")
def bundled_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings over a copy of the bundled corpus."""
    base = tmp_path_factory.mktemp("bundled")
    shutil.copytree(ROOT / "corpus", base / "corpus")
    return Settings(data_dir=base / "data", corpus_dir=base / "corpus", _env_file=None)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def bundled_assistant(
    bundled_settings: Settings, embeddings: SentenceTransformerEmbeddings
) -> Iterator[Assistant]:
    """An Assistant over the ingested bundled corpus (real model, real Chroma)."""
    report = ingest(bundled_settings, embeddings=embeddings)
    assert not report.failed, report.failed
    assistant = Assistant.from_settings(bundled_settings)
    assistant.retriever.store._embedding_function = embeddings
    yield assistant
