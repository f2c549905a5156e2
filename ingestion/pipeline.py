"""Incremental ingestion: files → blocks → chunks → langchain indexing API → Chroma."""

import hashlib
import json
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from langchain_chroma import Chroma
from langchain_classic.indexes import SQLRecordManager
from langchain_core.documents import Document
from langchain_core.indexing import index

from assistant.errors import DocumentError
from assistant.retrieval import sentence_index
from assistant.retrieval.embeddings import IndexEmbeddings, make_embeddings
from assistant.retrieval.store import (
    bump_generation,
    count,
    delete_source,
    drop_collection,
    fetch_all,
    index_mismatch,
    open_store,
    sentence_keys,
)
from assistant.settings import Settings
from ingestion.chunking import chunk_blocks
from ingestion.loaders import load
from ingestion.manifest import MANIFEST_NAME, DocumentMeta, doc_id_for, read_manifest

Status = Literal["added", "updated", "unchanged", "deleted", "failed", "rebuild"]
ProgressCallback = Callable[[str, Status], None]


@dataclass
class Failure:
    """A document that could not be ingested, and why."""

    path: str
    reason: str


@dataclass
class IngestReport:
    """What an ingest run did, per document."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    chunks: int = 0
    sentences: int = 0
    rebuilt: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON shape of `via ingest --json`."""
        return {
            "added": len(self.added),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "deleted": len(self.deleted),
            "chunks": self.chunks,
            "sentences": self.sentences,
            "rebuilt": self.rebuilt,
            "failed": [{"path": f.path, "reason": f.reason} for f in self.failed],
        }


def record_manager(settings: Settings) -> SQLRecordManager:
    """The record manager that remembers which chunk hashes are in the collection."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    manager = SQLRecordManager(
        f"chroma/{settings.collection}", db_url=f"sqlite:///{settings.record_db.resolve()}"
    )
    manager.create_schema()
    return manager


def _inside(path: Path, corpus_dir: Path) -> bool:
    """True when path lies in the corpus folder."""
    return path.resolve().is_relative_to(corpus_dir.resolve())


def _source_key(path: Path, corpus_dir: Path) -> str:
    """Source id of a file: relative to the corpus when inside it, else absolute."""
    resolved, root = path.resolve(), corpus_dir.resolve()
    return resolved.relative_to(root).as_posix() if _inside(path, corpus_dir) else str(resolved)


def _discover(roots: Iterable[Path]) -> list[Path]:
    """Files under the given roots, skipping hidden files and the manifest."""
    files: list[Path] = []
    for root in roots:
        candidates = sorted(root.rglob("*")) if root.is_dir() else [root]
        files.extend(
            p
            for p in candidates
            if p.is_file() and p.name != MANIFEST_NAME and not p.name.startswith(".")
        )
    return files


def document_chunks(
    path: Path,
    source: str,
    meta: DocumentMeta | None,
    embeddings: IndexEmbeddings,
    settings: Settings,
) -> list[Document]:
    """Load one file and cut it into chunks carrying full citation metadata."""
    loaded = load(path)
    meta = meta or DocumentMeta()
    base: dict[str, str | int] = {
        "source": source,
        "doc_id": doc_id_for(source),
        "title": meta.title or loaded.title or path.stem,
        "publisher": meta.publisher,
        "date": meta.date,
        "level": meta.level,
        "url": meta.url,
        "kind": meta.kind,
        "doc_hash": hashlib.sha256(path.read_bytes()).hexdigest()[:16],
    }
    chunks = chunk_blocks(
        loaded.blocks,
        base,
        embeddings.count_tokens,
        min(settings.chunk_size, embeddings.max_tokens),
        settings.chunk_overlap,
    )
    if not chunks:
        raise DocumentError("bestand bevat geen tekst")
    return chunks


def chunk_key(chunk: Document) -> str:
    """Id of a chunk: a hash of its text and metadata, so any change gives a new id."""
    payload = json.dumps([chunk.page_content, chunk.metadata], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def _indexed_sources(store: Chroma) -> set[str]:
    """Source ids that have chunks in the collection."""
    metadatas = fetch_all(store, ["metadatas"])["metadatas"]
    return {str(m["source"]) for m in metadatas if m and "source" in m}


def ingest(
    settings: Settings,
    paths: list[Path] | None = None,
    *,
    rebuild: bool = False,
    embeddings: IndexEmbeddings | None = None,
    on_progress: ProgressCallback | None = None,
) -> IngestReport:
    """Bring the index in line with the files: add, replace, keep or delete per document."""
    embeddings = embeddings or make_embeddings(settings)
    manager = record_manager(settings)
    report = IngestReport()

    def note(status: Status, name: str) -> None:
        if on_progress:
            on_progress(name, status)

    roots = paths or [settings.corpus_dir]
    if not rebuild and (reason := index_mismatch(settings, embeddings)):
        # the index is derived data: rebuild it whole, for the new model, from the corpus too
        report.rebuilt, rebuild = reason, True
        roots = [settings.corpus_dir, *(p for p in roots if not _inside(p, settings.corpus_dir))]
        note("rebuild", reason)
    if rebuild:
        drop_collection(settings)
        manager.delete_keys(manager.list_keys())
    store = open_store(settings, embeddings, create=True)
    manifest = read_manifest(settings.corpus_dir)
    seen: dict[str, str] = {}
    changed = False
    pending: list[Document] = []
    for path in _discover(roots):
        source = _source_key(path, settings.corpus_dir)
        doc_id = doc_id_for(source)
        try:
            if doc_id in seen:
                raise DocumentError(
                    f"document-id '{doc_id}' bestaat al ({seen[doc_id]}); hernoem het"
                )
            seen[doc_id] = source
            chunks = document_chunks(path, source, manifest.get(source), embeddings, settings)
        except DocumentError as exc:
            report.failed.append(Failure(str(path), str(exc)))
            note("failed", source)
            continue
        existing = set(manager.list_keys(group_ids=[source]))
        if existing == {chunk_key(c) for c in chunks}:
            status: Status = "unchanged"
        else:
            status = "updated" if existing else "added"
            pending.extend(chunks)
        getattr(report, status).append(source)
        note(status, source)
    if pending:
        index(
            pending,
            manager,
            store,
            cleanup="incremental",
            source_id_key="source",
            key_encoder=chunk_key,
            batch_size=512,  # large batches let the model sort by length and pad less
        )
        changed = True

    scanned = [r.resolve() for r in roots if r.is_dir()]
    for source in sorted(_indexed_sources(store) - set(seen.values())):
        absolute = (settings.corpus_dir / source).resolve()
        if any(absolute.is_relative_to(root) for root in scanned) and not absolute.exists():
            keys = manager.list_keys(group_ids=[source])
            if keys:
                store.delete(keys)
                manager.delete_keys(keys)
            delete_source(store, source)
            report.deleted.append(source)
            changed = True
            note("deleted", source)
    report.chunks = count(store)
    if changed or rebuild or (report.chunks and not sentence_keys(store)):
        report.sentences = sentence_index.update(store, embeddings)
        bump_generation(store, f"{datetime.now(UTC).isoformat()}-{uuid.uuid4().hex[:8]}")
    return report
