"""Opening the Chroma vector store (embedded or server) and guarding its embedding model."""

import contextlib
from collections.abc import Iterator
from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from langchain_chroma import Chroma

from assistant.errors import (
    IndexMismatchError,
    IndexMissingError,
    StoreUnavailableError,
    ViaError,
)
from assistant.retrieval.embeddings import IndexEmbeddings
from assistant.settings import Settings


def chroma_client(settings: Settings) -> Any:
    """Embedded PersistentClient in the data dir, or an HttpClient when a host is set."""
    chroma_settings = ChromaSettings(anonymized_telemetry=False)
    if settings.chroma_host:
        try:
            return chromadb.HttpClient(
                host=settings.chroma_host, port=settings.chroma_port, settings=chroma_settings
            )
        except Exception as exc:  # connection errors differ per transport
            raise StoreUnavailableError(
                "Chroma-server op "
                f"{settings.chroma_host}:{settings.chroma_port} is niet bereikbaar."
            ) from exc
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=chroma_settings)


def _mismatch(metadata: dict[str, Any] | None, embeddings: IndexEmbeddings) -> str | None:
    """Why a collection's recorded model differs from the configured one, or None."""
    stored = metadata or {}
    if "embedding_model" not in stored:
        return None  # an empty collection made without a record: nothing to mix with
    recorded = {
        "embedding_backend": stored.get("embedding_backend", "sentence-transformers"),
        "embedding_model": stored.get("embedding_model"),
        "embedding_dim": stored.get("embedding_dim"),
    }
    wanted = embeddings.identity
    if (recorded["embedding_backend"], recorded["embedding_model"]) == (
        wanted["embedding_backend"],
        wanted["embedding_model"],
    ):
        return None
    return (
        f"De index is gebouwd met embeddingmodel '{recorded['embedding_model']}' "
        f"({recorded['embedding_backend']}), maar ingesteld is '{wanted['embedding_model']}' "
        f"({wanted['embedding_backend']})."
    )


def index_mismatch(settings: Settings, embeddings: IndexEmbeddings) -> str | None:
    """Why the existing index was built with another model than configured, or None."""
    with reachable():
        client = chroma_client(settings)
        try:
            collection = client.get_collection(settings.collection)
        except NotFoundError:
            return None
        return _mismatch(collection.metadata, embeddings)


def open_store(settings: Settings, embeddings: IndexEmbeddings, *, create: bool = False) -> Chroma:
    """Open the collection; with create=True make it (recording the model) if absent."""
    client = chroma_client(settings)
    try:
        collection = client.get_collection(settings.collection)
        if reason := _mismatch(collection.metadata, embeddings):
            raise IndexMismatchError(
                f"{reason} Voer `via ingest` uit: dat bouwt de index opnieuw op."
            )
    except NotFoundError as exc:
        if not create:
            raise IndexMissingError() from exc
        client.create_collection(
            settings.collection,
            embedding_function=None,
            metadata={**embeddings.identity, "generation": ""},
            configuration={"hnsw": {"space": "cosine"}},
        )
    except (IndexMismatchError, IndexMissingError):
        raise
    except Exception as exc:
        raise StoreUnavailableError(f"Chroma is niet bereikbaar: {type(exc).__name__}") from exc
    return Chroma(
        client=client,
        collection_name=settings.collection,
        embedding_function=embeddings,
        create_collection_if_not_exists=False,
    )


def fetch_all(store: Chroma, include: list[str], page: int = 5000) -> dict[str, list[Any]]:
    """All ids plus the requested fields, fetched in pages (Chroma limits one query's size)."""
    out: dict[str, list[Any]] = {"ids": [], **{field: [] for field in include}}
    offset = 0
    while True:
        batch = store.get(include=include, limit=page, offset=offset)
        for key in out:
            found = batch[key]  # embeddings come as one array, whose truth is ambiguous
            out[key].extend(found if found is not None else [])
        if len(batch["ids"]) < page:
            return out
        offset += page


@contextlib.contextmanager
def reachable() -> Iterator[None]:
    """Turn any failure talking to Chroma into a StoreUnavailableError (Dutch message)."""
    try:
        yield
    except ViaError:
        raise
    except Exception as exc:
        raise StoreUnavailableError(f"Chroma is niet bereikbaar: {type(exc).__name__}") from exc


def generation(store: Chroma) -> str:
    """Stamp that changes whenever an ingest changed the collection (read fresh)."""
    collection = store._client.get_collection(store._collection.name)
    return str((collection.metadata or {}).get("generation", ""))


def bump_generation(store: Chroma, stamp: str) -> None:
    """Record that the collection changed, so readers rebuild their lexical index."""
    collection = store._collection
    collection.modify(metadata={**(collection.metadata or {}), "generation": stamp})


def count(store: Chroma) -> int:
    """Number of passages in the collection."""
    return int(store._collection.count())


def add_embedded(
    store: Chroma,
    ids: list[str],
    texts: list[str],
    vectors: Any,
    metadatas: list[Any],
) -> None:
    """Add passages whose vectors are already computed (benchmarks fill large indexes so)."""
    store._collection.add(ids=ids, documents=texts, embeddings=vectors, metadatas=list(metadatas))


def delete_source(store: Chroma, source: str) -> None:
    """Delete every passage of one source document."""
    store._collection.delete(where={"source": source})


def drop_collection(settings: Settings) -> None:
    """Delete the collection and its sentence vectors (for --rebuild)."""
    client = chroma_client(settings)
    for name in (settings.collection, sentences_name(settings.collection)):
        with contextlib.suppress(NotFoundError):
            client.delete_collection(name)


def sentences_name(collection: str) -> str:
    """Name of the collection that keeps the vectors of a collection's answer sentences."""
    return f"{collection}-sentences"


def _sentences(store: Chroma) -> Any:
    return store._client.get_or_create_collection(
        sentences_name(store._collection.name),
        embedding_function=None,
        metadata={k: v for k, v in (store._collection.metadata or {}).items() if k != "generation"},
        configuration={"hnsw": {"space": "cosine"}},
    )


def sentence_keys(store: Chroma) -> set[str]:
    """Keys of the sentence vectors kept for the collection."""
    collection, keys, offset = _sentences(store), set[str](), 0
    while batch := collection.get(include=[], limit=5000, offset=offset)["ids"]:
        keys.update(batch)
        offset += len(batch)
    return keys


def put_sentences(store: Chroma, keys: list[str], vectors: list[list[float]]) -> None:
    """Keep sentence vectors under their keys."""
    if keys:
        _sentences(store).upsert(ids=keys, embeddings=vectors)


def drop_sentences(store: Chroma, keys: list[str]) -> None:
    """Forget sentence vectors that no passage uses any more."""
    if keys:
        _sentences(store).delete(ids=keys)


def sentence_vectors(store: Chroma) -> dict[str, Any]:
    """Every kept sentence vector by key (a few thousand: they fit in memory)."""
    collection, out, offset = _sentences(store), dict[str, Any](), 0
    while True:
        batch = collection.get(include=["embeddings"], limit=5000, offset=offset)
        out.update(zip(batch["ids"], batch["embeddings"], strict=True))
        if len(batch["ids"]) < 5000:
            return out
        offset += 5000
