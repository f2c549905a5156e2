"""POST /v1/chat/completions: the OpenAI chat API, with citations kept (text and field)."""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException
from fastapi.responses import JSONResponse

from assistant.answer import Alert, Answer
from assistant.api.routes_ask import ERRORS, event_stream, new_session_id
from assistant.api.runtime import Authorized, Limited, RuntimeDep
from assistant.api.schemas import ChatCompletionRequest
from assistant.conversation import Turn
from assistant.formatting import footnotes, plain

router = APIRouter(prefix="/v1", tags=["OpenAI-compatibel"])
MODEL = "via-assistent"


def _extra(turn: Turn) -> dict[str, Any]:
    answer = turn.answer
    return {
        "citations": [c.model_dump() for c in answer.citations],
        "via": {
            "status": answer.status,
            "session_id": turn.session_id,
            "answer_id": turn.answer_id,
        },
    }


def _sources_block(answer: Answer) -> str:
    return f"\n\nBronnen:\n{footnotes(answer)}" if answer.citations else ""


def _after_text(answer: Answer) -> str:
    """What follows the streamed alert and text: "Zie ook", the tip and the sources block."""
    rest = plain(answer.model_copy(update={"alert": "", "text": ""}))
    return (f"\n\n{rest}" if rest else "") + _sources_block(answer)


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
    question, history = users[-1], users[:-1]
    replies = [m.text() for m in body.messages if m.role == "assistant"]
    previous = replies[-1] if replies else ""
    session_id = new_session_id()
    cid, created = f"chatcmpl-{session_id}", int(time.time())
    conversations = rt.conversations
    if not body.stream:
        turn = await asyncio.to_thread(
            conversations.ask,
            session_id,
            question,
            history=history,
            previous=previous,
            channel="openai",
        )
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
                            "content": plain(turn.answer) + _sources_block(turn.answer),
                        },
                        "finish_reason": "stop",
                    }
                ],
                "usage": usage,
                **_extra(rt.counted(turn)),
            }
        )
    items = conversations.astream(
        session_id, question, history=history, previous=previous, channel="openai"
    )
    first = await anext(items)

    async def events() -> AsyncIterator[dict[str, str]]:
        yield _data(_chunk(cid, created, {"role": "assistant", "content": ""}))
        item: Alert | str | Turn = first
        while not isinstance(item, Turn):
            text = f"{item.text}\n\n" if isinstance(item, Alert) else item
            yield _data(_chunk(cid, created, {"content": text}))
            item = await anext(items)
        if after := _after_text(rt.counted(item).answer):
            yield _data(_chunk(cid, created, {"content": after}))
        yield _data(_chunk(cid, created, {}, "stop") | _extra(item))
        yield {"data": "[DONE]"}

    return event_stream(events())
