"""POST /v1/ask and /v1/ask/stream: one question, answered with citations."""

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException
from sse_starlette import EventSourceResponse

from assistant.answer import Answer
from assistant.api.runtime import Authorized, Limited, Runtime, RuntimeDep
from assistant.api.schemas import AskRequest, AskResponse, Problem
from assistant.errors import ViaError
from assistant.service import check_question

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


def respond(rt: Runtime, session_id: str, question: str, answer: Answer) -> AskResponse:
    """Store the turn and build the response body."""
    answer_id = rt.database.record_turn(session_id, question, answer)
    rt.metrics.answers.labels(answer.status).inc()
    return AskResponse(
        answer_id=answer_id,
        session_id=session_id,
        status=answer.status,
        answer=answer.text,
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
    check_question(body.question, rt.settings.max_question_chars)
    assistant = rt.assistant()
    session_id = body.session_id or new_session_id()
    answer = assistant.ask(body.question, rt.database.history(session_id), body.filters)
    return respond(rt, session_id, body.question, answer)


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
            "description": "Events 'delta' {text}, then one 'answer' (zoals /v1/ask) of 'error'.",
        },
        **ERRORS,
    },
)
async def ask_stream(body: AskRequest, rt: RuntimeDep) -> EventSourceResponse:
    """Beantwoord één vraag als Server-Sent Events: tekststukken, dan het volledige antwoord."""
    check_filters(body.filters)
    question = check_question(body.question, rt.settings.max_question_chars)
    assistant = await asyncio.to_thread(rt.assistant)
    session_id = body.session_id or new_session_id()
    history = await asyncio.to_thread(rt.database.history, session_id)
    pieces = assistant.astream(question, history, body.filters)
    first = await anext(pieces)  # errors before the first piece still get a proper status

    async def events() -> AsyncIterator[dict[str, str]]:
        item: str | Answer = first
        try:
            while True:
                if isinstance(item, Answer):
                    response = await asyncio.to_thread(respond, rt, session_id, question, item)
                    yield sse("answer", response.model_dump())
                    return
                yield sse("delta", {"text": item})
                item = await anext(pieces)
        except ViaError as exc:
            rt.metrics.errors.labels(type(exc).__name__).inc()
            yield sse("error", {"detail": str(exc)})

    return event_stream(events())
