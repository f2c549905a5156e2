"""GET /healthz, /readyz and /metrics."""

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse, Response

from assistant.api.metrics import CONTENT_TYPE
from assistant.api.runtime import Authorized, RuntimeDep
from assistant.errors import ViaError
from assistant.service import Assistant

router = APIRouter(tags=["beheer"])


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """Het proces draait."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Niet klaar; 'detail' zegt waarom."}})
def readyz(rt: RuntimeDep) -> JSONResponse:
    """Klaar voor vragen: index geladen, model geladen, Chroma en database bereikbaar.

    In llm-modus staat onder 'llm' of het taalmodel bereikbaar is; een onbereikbaar taalmodel
    maakt de server niet onklaar, want antwoorden komen dan uit de bronnen.
    """
    checks: dict[str, Any] = {"index": False, "model": False, "chroma": False}
    detail = ""
    try:
        checks |= rt.conversations.catalog.check()
        if not checks["index"]:
            detail = "De index is leeg: voer `via ingest` uit."
    except ViaError as exc:
        detail = str(exc)
    checks["database"] = rt.conversations.database.ping()
    ready = all(checks.values())
    if not checks["database"]:
        detail = detail or "De database voor gesprekken is niet bereikbaar."
    elif not checks["model"] and not detail:
        detail = "Het embeddingmodel is nog niet geladen."
    body = {"ready": ready, "checks": checks} | ({} if ready else {"detail": detail})
    if rt.loaded and (assistant := rt.assistant()).chat_model is not None:
        body["llm"] = llm_state(assistant)
    return JSONResponse(body, status_code=200 if ready else 503)


def llm_state(assistant: Assistant) -> dict[str, Any]:
    """The chat model's state in llm mode; never blocks readiness (answers fall back)."""
    state = assistant.model_probe.state()
    if assistant.breaker.open:
        state["reachable"] = False
        state["detail"] = "Het taalmodel faalde zojuist; antwoorden komen tijdelijk uit de bronnen."
    return state


@router.get("/metrics", dependencies=[Authorized], response_class=Response)
def metrics(rt: RuntimeDep) -> Response:
    """Prometheus-metrieken."""
    return Response(rt.metrics.render(), media_type=CONTENT_TYPE)
