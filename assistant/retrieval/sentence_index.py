"""Vectors of every answer sentence, computed at ingest and kept by a hash of the sentence."""

import hashlib

import numpy as np
from langchain_chroma import Chroma

from assistant.retrieval.embeddings import IndexEmbeddings
from assistant.retrieval.store import (
    drop_sentences,
    fetch_all,
    put_sentences,
    sentence_keys,
    sentence_vectors,
)
from assistant.units import sentences_of, strip_heading

_BATCH = 256


def key(sentence: str) -> str:
    """Key of a sentence's vector (the same sentence in two passages is embedded once)."""
    return hashlib.sha256(sentence.encode()).hexdigest()[:24]


def update(store: Chroma, embeddings: IndexEmbeddings) -> int:
    """Embed the sentences no vector is kept for yet and forget unused ones; return the count."""
    data = fetch_all(store, ["documents", "metadatas"])
    wanted: dict[str, str] = {}
    for text, meta in zip(data["documents"], data["metadatas"], strict=True):
        heading = str((meta or {}).get("heading", ""))
        for sentence in sentences_of(strip_heading(text or "", heading)):
            wanted.setdefault(key(sentence), sentence)
    kept = sentence_keys(store)
    new = sorted(k for k in wanted if k not in kept)
    for start in range(0, len(new), _BATCH):
        batch = new[start : start + _BATCH]
        put_sentences(store, batch, embeddings.embed_documents([wanted[k] for k in batch]))
    drop_sentences(store, sorted(kept - set(wanted)))
    return len(new)


def load(store: Chroma) -> dict[str, np.ndarray]:
    """All kept sentence vectors by key, as float32 arrays."""
    return {k: np.asarray(v, dtype=np.float32) for k, v in sentence_vectors(store).items()}
