"""Listing and looking up the indexed documents ("look up the source")."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from assistant.retrieval.embeddings import make_embeddings
from assistant.retrieval.store import fetch_all, open_store
from assistant.settings import Settings


def list_sources(settings: Settings) -> list[dict[str, Any]]:
    """Indexed documents with their metadata and chunk counts, sorted by doc_id."""
    store = open_store(settings, make_embeddings(settings))
    return summarize(fetch_all(store, ["metadatas"])["metadatas"])


def summarize(metadatas: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per document (metadata of its first chunk and the chunk count)."""
    docs: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = defaultdict(int)
    for m in metadatas:
        doc_id = str(m.get("doc_id", ""))
        counts[doc_id] += 1
        docs.setdefault(
            doc_id,
            {
                k: m.get(k, "")
                for k in ("doc_id", "title", "publisher", "date", "level", "url", "kind", "source")
            },
        )
    return [docs[d] | {"chunks": counts[d]} for d in sorted(docs)]
