"""POST /v1/ask and /v1/ask/stream: one question, answered with citations."""

import json
import secrets
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException
from sse_starlette import EventSourceResponse

from assistant.answer import Alert
from assistant.api.runtime import Authorized, Limited, Runtime, RuntimeDep
from assistant.api.schemas import AskRequest, AskResponse, Problem
from assistant.conversation import Turn
from assistant.errors import ViaError

router = APIRouter(prefix="/v1", tags=["vragen"])

FILTER_FIELDS = {"doc_id", "level", "kind", "publisher"}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": Problem} for code in (401, 413, 422, 429, 503)
}


def new_session_id() -> str:
    """A fresh, unguessable conversation id."""
    return secrets.token_urlsafe(16)


def check_filters(filters: dict[str, str] | None) -> None:
    """422 for filter fields the index does not have."""
    unknown = sorted(set(filters or {}) - FILTER_FIELDS)
    if unknown:
        allowed = ", ".join(sorted(FILTER_FIELDS))
        raise HTTPException(
            422, f"Onbekend filterveld: {', '.join(unknown)}. Toegestaan: {allowed}."
        )


def respond(rt: Runtime, turn: Turn) -> AskResponse:
    """Count the answer and build the response body from its parts."""
    answer = rt.counted(turn).answer
    return AskResponse(
        answer_id=turn.answer_id,
        session_id=turn.session_id,
        status=answer.status,
        alert=answer.alert,
        answer=answer.text,
        see_also=answer.see_also,
        tip=answer.tip,
        citations=answer.citations,
        passages=answer.passages,
        timings=answer.timings,
    )


@router.post(
    "/ask", response_model=AskResponse, dependencies=[Authorized, Limited], responses=ERRORS
)
def ask(body: AskRequest, rt: RuntimeDep) -> AskResponse:
    """Beantwoord één vraag uit de bronnen, met bronvermelding."""
    check_filters(body.filters)
    session_id = body.session_id or new_session_id()
    return respond(rt, rt.conversations.ask(session_id, body.question, filters=body.filters))


def sse(event: str, data: object) -> dict[str, str]:
    """One Server-Sent Event with JSON data, for EventSourceResponse."""
    return {"event": event, "data": json.dumps(data, ensure_ascii=False)}


def event_stream(events: AsyncIterator[dict[str, str]]) -> EventSourceResponse:
    """Events framed by sse-starlette, lines ending in '\\n' as the web chat reads them."""
    return EventSourceResponse(events, sep="\n")


@router.post(
    "/ask/stream",
    dependencies=[Authorized, Limited],
    response_class=EventSourceResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "Events 'alert' {text} (bij gevaar, eerst), 'delta' {text}, "
            "then one 'answer' (zoals /v1/ask) of 'error'.",
        },
        **ERRORS,
    },
)
async def ask_stream(body: AskRequest, rt: RuntimeDep) -> EventSourceResponse:
    """Beantwoord één vraag als Server-Sent Events: waarschuwing, tekststukken, dan het antwoord."""
    check_filters(body.filters)
    session_id = body.session_id or new_session_id()
    items = rt.conversations.astream(session_id, body.question, filters=body.filters)
    first = await anext(items)  # errors before the first item still get a proper status

    async def events() -> AsyncIterator[dict[str, str]]:
        item: Alert | str | Turn = first
        try:
            while True:
                if isinstance(item, Turn):
                    yield sse("answer", respond(rt, item).model_dump())
                    return
                if isinstance(item, Alert):
                    yield sse("alert", {"text": item.text})
                else:
                    yield sse("delta", {"text": item})
                item = await anext(items)
        except ViaError as exc:
            rt.metrics.errors.labels(type(exc).__name__).inc()
            yield sse("error", {"detail": str(exc)})

    return event_stream(events())
