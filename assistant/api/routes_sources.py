"""GET /v1/sources, /v1/sources/{doc_id}, /v1/passages/{chunk_id}: look up the source."""

from typing import Any

from fastapi import APIRouter, HTTPException

from assistant.api.routes_ask import ERRORS
from assistant.api.runtime import Authorized, RuntimeDep
from assistant.api.schemas import PassageDetail, SourceDetail, SourceDocument
from assistant.service import to_passage
from assistant.sources import summarize

router = APIRouter(prefix="/v1", tags=["bronnen"], dependencies=[Authorized])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: ERRORS[422]}


@router.get("/sources", response_model=list[SourceDocument], responses=ERRORS)
def sources(rt: RuntimeDep) -> list[SourceDocument]:
    """De opgenomen documenten met metadata en aantal passages."""
    docs = summarize(rt.assistant().retriever.metadatas)
    return [SourceDocument(**d) for d in docs]


@router.get("/sources/{doc_id}", response_model=SourceDetail, responses={**ERRORS, **NOT_FOUND})
def source(doc_id: str, rt: RuntimeDep) -> SourceDetail:
    """Eén document: metadata en al zijn passages in leesvolgorde."""
    docs = rt.assistant().retriever.documents_of(doc_id)
    if not docs:
        raise HTTPException(404, f"Onbekend document: '{doc_id[:80]}'. Zie /v1/sources.")
    (meta,) = summarize(d.metadata for d in docs)
    return SourceDetail(**meta, passages=[to_passage(d) for d in docs])


@router.get("/passages/{chunk_id}", response_model=PassageDetail, responses={**ERRORS, **NOT_FOUND})
def passage(chunk_id: str, rt: RuntimeDep) -> PassageDetail:
    """Eén passage met de passage ervoor en erna uit hetzelfde document."""
    retriever = rt.assistant().retriever
    doc = retriever.document(chunk_id)
    if doc is None:
        raise HTTPException(404, "Onbekende passage; de index is mogelijk bijgewerkt.")
    siblings = retriever.documents_of(str(doc.metadata.get("doc_id", "")))
    i = next(n for n, d in enumerate(siblings) if d.id == chunk_id)
    return PassageDetail(
        passage=to_passage(doc),
        previous=to_passage(siblings[i - 1]) if i > 0 else None,
        next=to_passage(siblings[i + 1]) if i + 1 < len(siblings) else None,
    )
