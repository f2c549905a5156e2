"""The embedding backends for real: the bundled e5 model and sentence-transformers (MiniLM)."""

from pathlib import Path

import numpy as np
import pytest

from assistant.errors import EmbeddingBackendError
from assistant.retrieval.embeddings import (
    BundledEmbeddings,
    IndexEmbeddings,
    SentenceTransformerEmbeddings,
    make_embeddings,
)
from assistant.settings import Settings


def test_factory_follows_the_backend_setting(settings: Settings) -> None:
    assert isinstance(make_embeddings(settings), BundledEmbeddings)
    other = settings.model_copy(update={"embedding_backend": "sentence-transformers"})
    chosen = make_embeddings(other)
    assert isinstance(chosen, SentenceTransformerEmbeddings)
    assert chosen.model_name == "all-MiniLM-L6-v2"


def test_bundled_model_understands_dutch_paraphrase(embeddings: IndexEmbeddings) -> None:
    question = np.array(embeddings.embed_query("hoe lang mag hij niet thuis komen"))
    passages = np.array(
        embeddings.embed_documents(
            [
                "Een huisverbod duurt in beginsel tien dagen.",
                "Meng de bloem met de eieren en bak de pannenkoeken.",
            ]
        )
    )
    scores = passages @ question
    assert scores[0] > scores[1]
    assert abs(float(np.linalg.norm(passages[0])) - 1.0) < 1e-3


def test_bundled_identity_and_token_budget(embeddings: IndexEmbeddings) -> None:
    assert embeddings.identity == {
        "embedding_backend": "bundled",
        "embedding_model": "multilingual-e5-small-q4",
        "embedding_dim": 384,
    }
    assert embeddings.max_tokens == 512
    short, long = embeddings.count_tokens("meldcode"), embeddings.count_tokens("meldcode " * 50)
    assert 2 < short < long


def test_sentence_transformers_model_that_cannot_load_names_the_alternative(
    tmp_path: Path,
) -> None:
    missing = SentenceTransformerEmbeddings(str(tmp_path / "geen-model"))
    with pytest.raises(EmbeddingBackendError, match="VIA_EMBEDDING_BACKEND=bundled"):
        missing.embed_query("vraag")


def test_minilm_from_its_package_loads_offline() -> None:
    minilm = SentenceTransformerEmbeddings()
    assert len(minilm.embed_query("meldcode")) == minilm.dimension == 384
    assert minilm.identity["embedding_backend"] == "sentence-transformers"
