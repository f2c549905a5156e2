"""GET /v1/sources, /v1/sources/{doc_id}, /v1/passages/{chunk_id}: look up the source."""

from typing import Any

from fastapi import APIRouter, HTTPException

from assistant.api.routes_ask import ERRORS
from assistant.api.runtime import Authorized, RuntimeDep
from assistant.api.schemas import PassageDetail, SourceDetail, SourceDocument

router = APIRouter(prefix="/v1", tags=["bronnen"], dependencies=[Authorized])
NOT_FOUND: dict[int | str, dict[str, Any]] = {404: ERRORS[422]}


@router.get("/sources", response_model=list[SourceDocument], responses=ERRORS)
def sources(rt: RuntimeDep) -> list[SourceDocument]:
    """De opgenomen documenten met metadata en aantal passages."""
    return [SourceDocument(**d) for d in rt.conversations.catalog.documents()]


@router.get("/sources/{doc_id}", response_model=SourceDetail, responses={**ERRORS, **NOT_FOUND})
def source(doc_id: str, rt: RuntimeDep) -> SourceDetail:
    """Eén document: metadata en al zijn passages in leesvolgorde."""
    catalog = rt.conversations.catalog
    passages = catalog.passages_of(doc_id)
    if not passages:
        raise HTTPException(404, f"Onbekend document: '{doc_id[:80]}'. Zie /v1/sources.")
    meta = next(d for d in catalog.documents() if d["doc_id"] == doc_id)
    return SourceDetail(**meta, passages=passages)


@router.get("/passages/{chunk_id}", response_model=PassageDetail, responses={**ERRORS, **NOT_FOUND})
def passage(chunk_id: str, rt: RuntimeDep) -> PassageDetail:
    """Eén passage met de passage ervoor en erna uit hetzelfde document."""
    catalog = rt.conversations.catalog
    found = catalog.passage(chunk_id)
    if found is None:
        raise HTTPException(404, "Onbekende passage; de index is mogelijk bijgewerkt.")
    previous, following = catalog.neighbours(found)
    return PassageDetail(passage=found, previous=previous, next=following)
