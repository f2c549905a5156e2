"""POST /v1/chat/completions: the OpenAI chat API, with citations kept (text and field)."""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from assistant.answer import Answer
from assistant.api.routes_ask import ERRORS, event_stream, new_session_id, respond
from assistant.api.runtime import Authorized, Limited, RuntimeDep
from assistant.api.schemas import ChatCompletionRequest
from assistant.formatting import footnotes
from assistant.service import check_question

router = APIRouter(prefix="/v1", tags=["OpenAI-compatibel"])
MODEL = "via-assistent"


def _extra(answer: Answer, session_id: str, answer_id: str) -> dict[str, Any]:
    return {
        "citations": [c.model_dump() for c in answer.citations],
        "via": {"status": answer.status, "session_id": session_id, "answer_id": answer_id},
    }


def _sources_block(answer: Answer) -> str:
    return f"\n\nBronnen:\n{footnotes(answer)}" if answer.citations else ""


def _chunk(
    cid: str, created: int, delta: dict[str, str], finish: str | None = None
) -> dict[str, Any]:
    return {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": created,
        "model": MODEL,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _data(payload: dict[str, Any]) -> dict[str, str]:
    """An SSE event with only a data line, as OpenAI streams chunks."""
    return {"data": json.dumps(payload, ensure_ascii=False)}


@router.get("/models", tags=["OpenAI-compatibel"])
def models() -> dict[str, Any]:
    """Het ene model dat deze server aanbiedt."""
    return {
        "object": "list",
        "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "via-assistent"}],
    }


@router.post("/chat/completions", dependencies=[Authorized, Limited], responses=ERRORS)
async def chat_completions(body: ChatCompletionRequest, rt: RuntimeDep) -> Any:
    """OpenAI-compatibel: het laatste user-bericht is de vraag, eerdere vormen de context."""
    users = [m.text() for m in body.messages if m.role == "user"]
    if not users:
        raise HTTPException(422, "Geen vraag gevonden: stuur minstens één bericht met role 'user'.")
    question, history = check_question(users[-1], rt.settings.max_question_chars), users[:-1]
    assistant = await asyncio.to_thread(rt.assistant)
    session_id = new_session_id()
    cid, created = f"chatcmpl-{session_id}", int(time.time())
    if not body.stream:
        answer = await asyncio.to_thread(assistant.ask, question, history)
        stored = await asyncio.to_thread(respond, rt, session_id, question, answer)
        usage = {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0}
        return JSONResponse(
            {
                "id": cid,
                "object": "chat.completion",
                "created": created,
                "model": MODEL,
                "choices": [
                    {
                        "index": 0,
                        "message": {
                            "role": "assistant",
                            "content": answer.text + _sources_block(answer),
                        },
                        "finish_reason": "stop",
                    }
                ],
                "usage": usage,
                **_extra(answer, session_id, stored.answer_id),
            }
        )
    pieces = assistant.astream(question, history)
    first = await anext(pieces)

    async def events() -> AsyncIterator[dict[str, str]]:
        yield _data(_chunk(cid, created, {"role": "assistant", "content": ""}))
        item: str | Answer = first
        while isinstance(item, str):
            yield _data(_chunk(cid, created, {"content": item}))
            item = await anext(pieces)
        stored = await asyncio.to_thread(respond, rt, session_id, question, item)
        if block := _sources_block(item):
            yield _data(_chunk(cid, created, {"content": block}))
        final = _chunk(cid, created, {}, "stop") | _extra(item, session_id, stored.answer_id)
        yield _data(final)
        yield {"data": "[DONE]"}

    return event_stream(events())
