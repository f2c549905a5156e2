"""POST /v1/feedback and GET /v1/feedback/export."""

from typing import Any

from fastapi import APIRouter, Depends, HTTPException

from assistant.api.routes_ask import ERRORS
from assistant.api.runtime import Authorized, Limited, RuntimeDep, maintainer_key
from assistant.api.schemas import FeedbackRequest

router = APIRouter(prefix="/v1/feedback", tags=["feedback"])


@router.post("", dependencies=[Authorized, Limited], responses={**ERRORS, 404: ERRORS[422]})
def feedback(body: FeedbackRequest, rt: RuntimeDep) -> dict[str, bool]:
    """Sla een 👍 of 👎 op bij een antwoord uit dit gesprek."""
    stored = rt.conversations.feedback(
        body.session_id, body.answer_id, body.rating, body.comment, "api"
    )
    if not stored:
        raise HTTPException(404, "Onbekend antwoord in dit gesprek (mogelijk verlopen).")
    return {"stored": True}


@router.get(
    "/export",
    dependencies=[Depends(maintainer_key)],
    responses={401: ERRORS[401], 403: ERRORS[401]},
)
def export(rt: RuntimeDep) -> list[dict[str, Any]]:
    """Alle feedback (vragen al geanonimiseerd), voor beheerders; vereist een API-sleutel."""
    return rt.conversations.export_feedback()
