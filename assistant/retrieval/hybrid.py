"""Hybrid retrieval behind langchain's BaseRetriever: Dutch BM25 + Chroma, weighted fusion."""

import threading
import time
from typing import Any, Literal

import numpy as np
from langchain_chroma import Chroma
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict, PrivateAttr

from assistant import sentences
from assistant.questions.understand import (
    asked_parts,
    is_aside,
    is_other_part,
    numbered_in,
    topics_in,
)
from assistant.retrieval import sentence_index
from assistant.retrieval.embeddings import IndexEmbeddings, make_embeddings
from assistant.retrieval.lexical import LexicalIndex
from assistant.retrieval.store import fetch_all, generation, open_store, reachable
from assistant.settings import Settings

Mode = Literal["hybrid", "lexical", "dense"]
Filters = dict[str, str]
_RRF_K = 60
SAME_MEANING = 0.94
# pseudo-relevance feedback: the best fused passages, weighted by a softmax of their fused
# score at this temperature (fused scores lie in 0..1), chosen by ablation with the weight
_FEEDBACK_PASSAGES = 10
_FEEDBACK_TEMPERATURE = 0.15
# a passage whose heading is about something the question does not name (another form of
# violence, one profession's rules, another numbered step) weighs this much; 0.7-0.9 measured
# the same
_ASIDE = 0.85


def chroma_where(filters: Filters | None) -> dict[str, Any] | None:
    """Translate {field: value} filters into a Chroma where clause."""
    if not filters:
        return None
    clauses: list[dict[str, Any]] = [{k: v} for k, v in filters.items()]
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def _average(first: dict[int, float], second: dict[int, float]) -> dict[int, float]:
    """The mean of two rankings' scores, each scaled to its best (0..1)."""
    top_1 = max(first.values(), default=0.0) or 1.0
    top_2 = max(second.values(), default=0.0) or 1.0
    both = set(first) | set(second)
    return {i: (first.get(i, 0.0) / top_1 + second.get(i, 0.0) / top_2) / 2 for i in both}


def _focus(query: str, fused: dict[int, float], headings: list[str]) -> dict[int, float]:
    """The fused scores with passages whose heading is beside the question weighed down."""
    topics, parts = topics_in(query), asked_parts(query)
    out = {}
    for i, score in fused.items():
        heading = headings[i]
        beside = is_aside(topics_in(heading), topics) or is_other_part(numbered_in(heading), parts)
        out[i] = score * _ASIDE if beside else score
    return out


def _first(text: str) -> str:
    """The first sentence of a unit (its vector stands for the unit)."""
    found = sentences.split(text)
    return found[0] if found else text


class HybridRetriever(BaseRetriever):
    """Fuses a lexical and a dense ranking; the lexical index follows the collection."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    store: Chroma
    k: int = 5
    fusion: Literal["rrf", "score"] = "score"
    lexical_weight: float = 0.5
    dense_weight: float = 0.5
    relevance_feedback: float = 0.2
    compounds: bool = True
    refresh_seconds: float = 2.0

    @classmethod
    def from_settings(
        cls, settings: Settings, embeddings: IndexEmbeddings | None = None
    ) -> "HybridRetriever":
        """The retriever over the configured index; embeddings: a model already loaded."""
        return cls(
            store=open_store(settings, embeddings or make_embeddings(settings)),
            k=settings.top_k,
            fusion=settings.fusion,
            lexical_weight=settings.lexical_weight,
            dense_weight=settings.dense_weight,
            relevance_feedback=settings.relevance_feedback,
            compounds=settings.compound_split,
        )

    _ids: list[str] = PrivateAttr(default_factory=list)
    _texts: list[str] = PrivateAttr(default_factory=list)
    _metas: list[dict[str, Any]] = PrivateAttr(default_factory=list)
    _headings: list[str] = PrivateAttr(default_factory=list)
    _position: dict[str, int] = PrivateAttr(default_factory=dict)
    _lexical: LexicalIndex | None = PrivateAttr(default=None)
    _generation: str | None = PrivateAttr(default=None)
    _checked: float = PrivateAttr(default=0.0)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _vectors: np.ndarray = PrivateAttr(default_factory=lambda: np.zeros((0, 0), np.float32))
    _sentences: dict[str, np.ndarray] = PrivateAttr(default_factory=dict)
    _queries: dict[str, np.ndarray] = PrivateAttr(default_factory=dict)
    _expansions: dict[str, np.ndarray] = PrivateAttr(default_factory=dict)
    _expansion_vectors: dict[str, np.ndarray] = PrivateAttr(default_factory=dict)

    @property
    def lexical(self) -> LexicalIndex:
        """The current lexical index (rebuilt when the collection changed)."""
        self.refresh()
        assert self._lexical is not None
        return self._lexical

    @property
    def size(self) -> int:
        """Number of passages in the index."""
        self.refresh()
        return len(self._ids)

    def refresh(self, force: bool = False) -> None:
        """Rebuild the lexical index from Chroma when an ingest changed the collection."""
        now = time.monotonic()
        if not force and self._lexical is not None and now - self._checked < self.refresh_seconds:
            return
        with self._lock, reachable():
            stamp = generation(self.store)
            self._checked = now
            if not force and self._lexical is not None and stamp == self._generation:
                return
            data = fetch_all(self.store, ["documents", "metadatas", "embeddings"])
            self._ids = list(data["ids"])
            self._vectors = np.asarray(data["embeddings"], dtype=np.float32)
            self._texts = [d or "" for d in data["documents"]]
            self._metas = [dict(m or {}) for m in data["metadatas"]]
            self._headings = [str(m.get("section") or "") for m in self._metas]
            self._position = {cid: i for i, cid in enumerate(self._ids)}
            self._lexical = LexicalIndex(self._texts, compounds=self.compounds)
            self._sentences = sentence_index.load(self.store)
            self._expansions = {}
            self._generation = stamp

    @property
    def metadatas(self) -> list[dict[str, Any]]:
        """Metadata of every indexed passage."""
        self.refresh()
        return self._metas

    def document(self, chunk_id: str) -> Document | None:
        """One indexed passage by id, or None."""
        self.refresh()
        i = self._position.get(chunk_id)
        if i is None:
            return None
        return Document(page_content=self._texts[i], metadata=self._metas[i], id=chunk_id)

    def documents_of(self, doc_id: str) -> list[Document]:
        """All passages of one document in reading order."""
        self.refresh()
        hits = [i for i, m in enumerate(self._metas) if m.get("doc_id") == doc_id]
        hits.sort(key=lambda i: int(self._metas[i].get("chunk_index", 0)))
        return [
            Document(page_content=self._texts[i], metadata=self._metas[i], id=self._ids[i])
            for i in hits
        ]

    def _mask(self, filters: Filters | None) -> np.ndarray | None:
        if not filters:
            return None
        return np.array(
            [all(str(m.get(k, "")) == v for k, v in filters.items()) for m in self._metas]
        )

    def _lexical_ranking(
        self, scores: np.ndarray, fetch: int, filters: Filters | None
    ) -> dict[int, float]:
        if scores.size == 0:
            return {}
        mask = self._mask(filters)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        top = np.argpartition(-scores, min(fetch, scores.size - 1))[:fetch]
        top = top[np.argsort(-scores[top])]
        return {int(i): float(scores[i]) for i in top if scores[i] > 0}

    def _expansion_scores(self, expansion: str) -> np.ndarray:
        """BM25 scores of an expansion, kept until the index changes (BM25 adds up over the
        query's words, so the question with its expansion costs one addition)."""
        scores = self._expansions.get(expansion)
        if scores is None:
            scores = self.lexical.scores(expansion)
            with self._lock:
                self._expansions[expansion] = scores
        return scores

    def query_vector(self, query: str) -> np.ndarray:
        """The question's embedding (the last few are kept: answering needs it again)."""
        vector = self._queries.get(query)
        if vector is None:
            embedded = self.store.embeddings.embed_query(query)  # type: ignore[union-attr]
            vector = self._keep(query, np.asarray(embedded, dtype=np.float32))
        return vector

    def _keep(self, query: str, vector: np.ndarray) -> np.ndarray:
        """Keep a question's vector (the last 256 at most) and return it."""
        with self._lock:
            if len(self._queries) >= 256:
                self._queries.clear()
            self._queries[query] = vector
        return vector

    def sentence_vector(self, sentence: str) -> np.ndarray:
        """A sentence's vector: the one kept at ingest, else embedded now."""
        vector = self._sentences.get(sentence_index.key(sentence))
        if vector is None:
            embedded = self.store.embeddings.embed_documents([sentence])  # type: ignore[union-attr]
            vector = np.asarray(embedded[0], dtype=np.float32)
        return vector

    def forget_queries(self) -> None:
        """Drop the kept question vectors (benchmarks measure a question's full cost)."""
        self._queries.clear()

    def same_meaning(self, first: str, second: str) -> bool:
        """True when two indexed sentences say the same (e5: paraphrases of one fact score
        ≥ 0.94, different sentences on one subject 0.85-0.93); unindexed ones never do."""
        a, b = (self._sentences.get(sentence_index.key(_first(t))) for t in (first, second))
        return a is not None and b is not None and float(a @ b) >= SAME_MEANING

    def meaning(self, query: str, sentence: str) -> float | None:
        """Cosine similarity of a question and an indexed sentence; None when not indexed."""
        vector = self._sentences.get(sentence_index.key(sentence))
        return None if vector is None else float(vector @ self.query_vector(query))

    def _widened_vector(self, query: str, expansion: str) -> np.ndarray:
        """The vector of a question with its expansion: the normalised sum of the question's
        vector and the expansion's (kept), so widening costs no second model pass; kept as
        the widened question's vector for weighing answer sentences."""
        own = self.query_vector(query)
        extra = self._expansion_vectors.get(expansion)
        if extra is None:
            embedded = self.store.embeddings.embed_query(expansion)  # type: ignore[union-attr]
            extra = self._expansion_vectors[expansion] = np.asarray(embedded, dtype=np.float32)
        both = own + extra
        # kept under the text Reading.full_query gives, so answering finds it without a model pass
        return self._keep(f"{query} {expansion}", both / (float(np.linalg.norm(both)) or 1.0))

    def _dense_ranking(
        self, vector: np.ndarray, fetch: int, filters: Filters | None
    ) -> dict[int, float]:
        embedding = vector.tolist()
        with reachable():
            hits = self.store.similarity_search_by_vector_with_relevance_scores(
                embedding, k=fetch, filter=chroma_where(filters)
            )
        # langchain-chroma returns the cosine *distance* here; turn it into a similarity
        return {
            self._position[d.id]: 1.0 - float(distance)
            for d, distance in hits
            if d.id in self._position
        }

    def _fuse(
        self, lexical: dict[int, float], dense: dict[int, float], mode: Mode
    ) -> dict[int, float]:
        if mode == "lexical":
            return lexical
        if mode == "dense":
            return dense
        if self.fusion == "rrf":
            fused: dict[int, float] = {}
            for weight, ranking in ((self.lexical_weight, lexical), (self.dense_weight, dense)):
                for rank, i in enumerate(sorted(ranking, key=ranking.__getitem__, reverse=True)):
                    fused[i] = fused.get(i, 0.0) + weight / (_RRF_K + rank + 1)
            return fused
        lex_max = max(lexical.values(), default=0.0) or 1.0
        dense_values = list(dense.values())
        low, high = min(dense_values, default=0.0), max(dense_values, default=1.0)
        span = (high - low) or 1.0
        return {
            i: self.lexical_weight * lexical.get(i, 0.0) / lex_max
            + self.dense_weight * ((dense[i] - low) / span if i in dense else 0.0)
            for i in set(lexical) | set(dense)
        }

    def _round(
        self,
        lexical: dict[int, float],
        vector: np.ndarray | None,
        fetch: int,
        filters: Filters | None,
        mode: Mode,
        feedback: bool = True,
    ) -> tuple[dict[int, float], dict[int, float]]:
        """One round's fusion, and the dense ranking of the question's own vector.

        With feedback (hybrid, score fusion), the vector moves towards the passages the first
        fusion ranked best (their softmax-weighted mean) and the candidates of both legs are
        ranked by meaning again with it, from the vectors kept in memory (no second model pass,
        no second Chroma query): a professional's words and the document's words meet in the
        passages both legs agree on. The second fusion is the round's result."""
        dense = {} if vector is None else self._dense_ranking(vector, fetch, filters)
        fused = self._fuse(lexical, dense, mode)
        if not (feedback and self.relevance_feedback) or vector is None or mode != "hybrid":
            return fused, dense
        if self.fusion != "score" or not fused or self._vectors.size == 0:
            return fused, dense
        best = sorted(fused, key=fused.__getitem__, reverse=True)[:_FEEDBACK_PASSAGES]
        scores = np.array([fused[i] for i in best])
        weights = np.exp((scores - scores.max()) / _FEEDBACK_TEMPERATURE)
        moved = vector + self.relevance_feedback * (weights / weights.sum()) @ self._vectors[best]
        moved /= float(np.linalg.norm(moved)) or 1.0
        pool = sorted(set(dense) | set(lexical))
        similarity = self._vectors[pool] @ moved
        ranked = np.argsort(-similarity)[:fetch]
        again = {pool[j]: float(similarity[j]) for j in ranked}
        return self._fuse(lexical, again, mode), dense

    def _get_relevant_documents(
        self,
        query: str,
        *,
        run_manager: CallbackManagerForRetrieverRun,
        filters: Filters | None = None,
        mode: Mode = "hybrid",
        k: int | None = None,
        expansion: str = "",
        alone: str = "",
    ) -> list[Document]:
        """Top-k passages for a query, near-duplicates collapsed, scores in metadata.

        expansion: what the question retrieves besides its own words (a case's first Meldcode
        steps). The question with it and the question alone weigh the same, so the expansion
        cannot crowd out what a long case description is about (disclosure, a forced marriage).
        alone: a follow-up's own words, when the query is the follow-up put after the question
        it leans on; ranked alone too, they weigh as much as the whole, so the previous
        question cannot crowd out what is asked now ("en wat is daarvoor de ambitie van Oss?").
        In hybrid mode a passage whose heading is beside the question weighs less (_focus).
        The lexical and dense scores in the metadata are those of the question alone."""
        k = k or self.k
        self.refresh()
        fetch = max(4 * k, 20)
        scores = self.lexical.scores(query) if mode != "dense" else np.zeros(0)
        lexical = self._lexical_ranking(scores, fetch, filters)
        dense_leg = mode != "lexical"
        own = self.query_vector(query) if dense_leg else None
        fused, dense = self._round(lexical, own, fetch, filters, mode)
        if expansion:
            wide_scores = scores + self._expansion_scores(expansion) if scores.size else scores
            wide_lexical = self._lexical_ranking(wide_scores, fetch, filters)
            wide = self._widened_vector(query, expansion) if dense_leg else None
            fused = _average(fused, self._round(wide_lexical, wide, fetch, filters, mode, False)[0])
        if alone and self.lexical.tokens(alone, question=True):
            alone_lexical = self._lexical_ranking(self.lexical.scores(alone), fetch, filters)
            alone_vector = self.query_vector(alone) if dense_leg else None
            fused = _average(
                fused, self._round(alone_lexical, alone_vector, fetch, filters, mode)[0]
            )
        if mode == "hybrid":
            fused = _focus(query, fused, self._headings)
        results: list[Document] = []
        kept_terms: list[set[str]] = []
        for i in sorted(fused, key=fused.__getitem__, reverse=True):
            terms = set(self._texts[i].lower().split())
            if any(len(terms & t) / max(len(terms | t), 1) > 0.9 for t in kept_terms):
                continue
            kept_terms.append(terms)
            meta = {
                **self._metas[i],
                "score": round(fused[i], 4),
                "dense": round(dense.get(i, 0.0), 4),
                "lexical": round(lexical.get(i, 0.0), 4),
            }
            results.append(Document(page_content=self._texts[i], metadata=meta, id=self._ids[i]))
            if len(results) == k:
                break
        return results
