"""The catalog of indexed sources: documents, their passages in reading order, cited sections."""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from langchain_core.documents import Document

from assistant.answer import Passage
from assistant.retrieval.embeddings import IndexEmbeddings
from assistant.retrieval.hybrid import HybridRetriever

_DOCUMENT_FIELDS = ("doc_id", "title", "publisher", "date", "level", "url", "kind", "source")


def _page(meta: Mapping[str, object]) -> str | None:
    start, end = meta.get("page_start"), meta.get("page_end")
    if start is None:
        return None
    return str(start) if start == end else f"{start}–{end}"


def to_passage(doc: Document) -> Passage:
    """An indexed Document as a typed Passage."""
    m = doc.metadata
    return Passage(
        chunk_id=str(doc.id),
        doc_id=str(m.get("doc_id", "")),
        title=str(m.get("title", "")),
        section=str(m.get("section", "")),
        page=_page(m),
        url=str(m.get("url", "")),
        kind=str(m.get("kind", "")),
        date=str(m.get("date", "")),
        references=str(m.get("references", "")).split(),
        level=str(m.get("level", "")),
        text=doc.page_content,
        score=float(m.get("score", 0.0)),
    )


def summarize(metadatas: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One entry per document (metadata of its first chunk and the chunk count)."""
    docs: dict[str, dict[str, Any]] = {}
    counts: dict[str, int] = defaultdict(int)
    for m in metadatas:
        doc_id = str(m.get("doc_id", ""))
        counts[doc_id] += 1
        docs.setdefault(doc_id, {k: m.get(k, "") for k in _DOCUMENT_FIELDS})
    return [docs[d] | {"chunks": counts[d]} for d in sorted(docs)]


class Catalog:
    """What is indexed, read from the retriever's in-memory copy of the collection."""

    def __init__(self, retriever: HybridRetriever) -> None:
        self._retriever = retriever

    @property
    def size(self) -> int:
        """Number of indexed passages."""
        return self._retriever.size

    def documents(self) -> list[dict[str, Any]]:
        """The indexed documents with their metadata and passage counts, by doc_id."""
        return summarize(self._retriever.metadatas)

    def passages_of(self, doc_id: str) -> list[Passage]:
        """All passages of one document in reading order (empty for an unknown document)."""
        return [to_passage(d) for d in self._retriever.documents_of(doc_id)]

    def passage(self, chunk_id: str) -> Passage | None:
        """One passage by id, or None."""
        doc = self._retriever.document(chunk_id)
        return None if doc is None else to_passage(doc)

    def neighbours(self, passage: Passage) -> tuple[Passage | None, Passage | None]:
        """The passages before and after this one in its document."""
        siblings = self.passages_of(passage.doc_id)
        ids = [p.chunk_id for p in siblings]
        if passage.chunk_id not in ids:
            return None, None
        i = ids.index(passage.chunk_id)
        before = siblings[i - 1] if i > 0 else None
        after = siblings[i + 1] if i + 1 < len(siblings) else None
        return before, after

    def sections(self, refs: Sequence[tuple[str, str]]) -> list[Passage]:
        """The passages of the (doc_id, section) pairs, in document order, without duplicates."""
        passages: dict[str, Passage] = {}
        for doc_id, section in refs:
            for passage in self.passages_of(doc_id):
                if passage.section == section:
                    passages.setdefault(passage.chunk_id, passage)
        return list(passages.values())

    def check(self) -> dict[str, bool]:
        """Reread the collection: is Chroma reachable, the index filled, the model loaded?"""
        self._retriever.refresh(force=True)
        embeddings = self._retriever.store.embeddings
        loaded = isinstance(embeddings, IndexEmbeddings) and embeddings.loaded
        return {"chroma": True, "index": self._retriever.size > 0, "model": loaded}
