"""Opening the Chroma vector store (embedded or server) and guarding its embedding model."""

import contextlib
from collections.abc import Iterator
from typing import Any

import chromadb
from chromadb.config import Settings as ChromaSettings
from chromadb.errors import NotFoundError
from langchain_chroma import Chroma

from assistant.embeddings import SentenceTransformerEmbeddings
from assistant.errors import (
    IndexMismatchError,
    IndexMissingError,
    StoreUnavailableError,
    ViaError,
)
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


def _check_model(metadata: dict[str, Any] | None, model_name: str) -> None:
    """Refuse to mix embeddings of two models in one collection."""
    stored = (metadata or {}).get("embedding_model")
    if stored and stored != model_name:
        raise IndexMismatchError(
            f"De index is gebouwd met embeddingmodel '{stored}', maar ingesteld is "
            f"'{model_name}'. Bouw de index opnieuw op met `via ingest --rebuild`."
        )


def open_store(
    settings: Settings, embeddings: SentenceTransformerEmbeddings, *, create: bool = False
) -> Chroma:
    """Open the collection; with create=True make it (recording model and dimension) if absent."""
    client = chroma_client(settings)
    try:
        collection = client.get_collection(settings.collection)
        _check_model(collection.metadata, embeddings.model_name)
    except NotFoundError as exc:
        if not create:
            raise IndexMissingError() from exc
        client.create_collection(
            settings.collection,
            embedding_function=None,
            metadata={
                "embedding_model": embeddings.model_name,
                "embedding_dim": embeddings.dimension,
                "generation": "",
            },
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
            out[key].extend(batch[key] or [])
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


def drop_collection(settings: Settings) -> None:
    """Delete the collection (for --rebuild)."""
    client = chroma_client(settings)
    with contextlib.suppress(NotFoundError):
        client.delete_collection(settings.collection)
