"""Stand-ins for the hosted chat model: the OpenAI Chat Completions API and Ollama's /api/chat.

Real HTTP servers on 127.0.0.1 (starlette under uvicorn, in a thread). They check requests the way
the real servers do (path, method, JSON body shape, stream flag, the bearer key) and answer with
the real servers' error shapes; the content they answer is scripted. The model itself is the only
part that cannot run here.
"""

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Literal

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from starlette.routing import Route

from assistant.answering.llm import make_chat_model
from assistant.service import Assistant
from assistant.settings import Settings
from evals.grounding import passage_numbers
from tests.conftest import free_port, serve

Reply = str | Callable[[list[dict[str, Any]]], str]
Provider = Literal["openai", "ollama"]

OPENAI_ROLES = {"system", "developer", "user", "assistant", "tool", "function"}
OPENAI_PARAMS = {
    "model", "messages", "stream", "stream_options", "temperature", "top_p", "n", "stop",
    "max_tokens", "max_completion_tokens", "presence_penalty", "frequency_penalty", "logit_bias",
    "logprobs", "top_logprobs", "user", "seed", "tools", "tool_choice", "parallel_tool_calls",
    "response_format", "service_tier", "store", "metadata", "reasoning_effort", "modalities",
    "prediction", "audio", "web_search_options", "verbosity", "prompt_cache_key",
    "safety_identifier",
}  # fmt: skip
OLLAMA_ROLES = {"system", "user", "assistant", "tool"}
OLLAMA_PARAMS = {
    "model", "messages", "stream", "options", "format", "keep_alive", "tools", "think",
    "logprobs", "top_logprobs",
}  # fmt: skip


@dataclass
class Call:
    """One request the stand-in received: path, headers and JSON body."""

    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class ChatStandIn:
    """A scripted chat model server; replies are used in order, the last one repeats."""

    provider: Provider
    model: str = "standin-model"
    api_key: str | None = None
    replies: list[Reply] = field(default_factory=lambda: ["Dit staat niet in de bronnen."])
    delay: float = 0.0
    fail_status: int | None = None
    chunk_chars: int = 7
    calls: list[Call] = field(default_factory=list)
    url: str = ""

    @property
    def base_url(self) -> str:
        """What VIA_LLM_BASE_URL is set to for this server."""
        return f"{self.url}/v1" if self.provider == "openai" else self.url

    def script(self, *replies: Reply) -> None:
        """Answer the next requests with these replies (the last one repeats)."""
        self.replies = list(replies)
        self.calls.clear()

    def chats(self) -> list[Call]:
        """The chat requests received (not the model listings)."""
        return [c for c in self.calls if c.path.endswith(("/chat/completions", "/api/chat"))]

    def _next_reply(self, messages: list[dict[str, Any]]) -> str:
        reply = self.replies[min(len(self.chats()) - 1, len(self.replies) - 1)]
        return reply(messages) if callable(reply) else reply

    def pieces(self, text: str) -> list[str]:
        """The reply cut into small stream chunks (markers and sentence ends fall across them)."""
        size = max(1, self.chunk_chars)
        return [text[i : i + size] for i in range(0, len(text), size)] or [""]


# --- OpenAI Chat Completions ------------------------------------------------------------------


def _openai_error(status: int, message: str, kind: str, code: str | None = None) -> JSONResponse:
    error = {"message": message, "type": kind, "param": None, "code": code}
    return JSONResponse({"error": error}, status_code=status)


def _openai_invalid(message: str, param: str | None = None) -> JSONResponse:
    error = {"message": message, "type": "invalid_request_error", "param": param, "code": None}
    return JSONResponse({"error": error}, status_code=400)


def _openai_message_problem(messages: object) -> str | None:
    if not isinstance(messages, list) or not messages:
        return "[] is too short - 'messages'"
    for i, m in enumerate(messages):
        if not isinstance(m, dict) or m.get("role") not in OPENAI_ROLES:
            return f"Invalid value for 'messages[{i}].role'."
        content = m.get("content")
        if m["role"] in {"system", "developer", "user"} and not isinstance(content, str | list):
            return f"Missing required parameter: 'messages[{i}].content'."
    return None


def _openai_request_problem(stand_in: ChatStandIn, body: object) -> JSONResponse | None:
    if not isinstance(body, dict):
        return _openai_invalid("We could not parse the JSON body of your request.")
    if unknown := sorted(set(body) - OPENAI_PARAMS):
        return _openai_invalid(f"Unrecognized request argument supplied: {unknown[0]}")
    if not isinstance(body.get("model"), str):
        return _openai_invalid("you must provide a model parameter", "model")
    if problem := _openai_message_problem(body.get("messages")):
        return _openai_invalid(problem, "messages")
    if "stream" in body and not isinstance(body["stream"], bool):
        return _openai_invalid("Invalid type for 'stream': expected a boolean.", "stream")
    if body["model"] != stand_in.model:
        message = f"The model `{body['model']}` does not exist or you do not have access to it."
        return _openai_error(404, message, "invalid_request_error", "model_not_found")
    return None


def _openai_unauthorized(stand_in: ChatStandIn, request: Request) -> JSONResponse | None:
    if stand_in.api_key is None:
        return None
    given = request.headers.get("authorization", "")
    if not given.startswith("Bearer "):
        message = (
            "You didn't provide an API key. You need to provide your API key in an "
            "Authorization header using Bearer auth."
        )
        return _openai_error(401, message, "invalid_request_error")
    if given.removeprefix("Bearer ") != stand_in.api_key:
        message = "Incorrect API key provided."
        return _openai_error(401, message, "invalid_request_error", "invalid_api_key")
    return None


def _openai_chunk(cid: str, model: str, delta: dict[str, Any], finish: str | None) -> str:
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}
    payload = {
        "id": cid,
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "system_fingerprint": "fp_standin",
        "choices": [choice],
    }
    return f"data: {json.dumps(payload)}\n\n"


def _usage(messages: list[dict[str, Any]], text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in messages)
    completion = len(text.split())
    total = prompt + completion
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": total}


def openai_app(stand_in: ChatStandIn) -> Starlette:
    """The /v1/chat/completions and /v1/models endpoints of an OpenAI-compatible server."""

    async def completions(request: Request) -> Response:
        if problem := _openai_unauthorized(stand_in, request):
            return problem
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _openai_invalid("We could not parse the JSON body of your request.")
        stand_in.calls.append(Call(request.url.path, dict(request.headers), body))
        if problem := _openai_request_problem(stand_in, body):
            return problem
        await asyncio.sleep(stand_in.delay)
        if stand_in.fail_status is not None:
            message = "The server had an error while processing your request. Sorry about that!"
            return _openai_error(stand_in.fail_status, message, "server_error")
        text = stand_in._next_reply(body["messages"])
        cid, model = f"chatcmpl-{len(stand_in.calls)}", body["model"]
        if body.get("stream"):
            usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return StreamingResponse(
                _openai_events(stand_in, cid, model, text, body["messages"], usage),
                media_type="text/event-stream",
            )
        message = {"role": "assistant", "content": text, "refusal": None}
        choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}
        return JSONResponse(
            {
                "id": cid,
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "system_fingerprint": "fp_standin",
                "choices": [choice],
                "usage": _usage(body["messages"], text),
            }
        )

    async def models(request: Request) -> Response:
        if problem := _openai_unauthorized(stand_in, request):
            return problem
        stand_in.calls.append(Call(request.url.path, dict(request.headers), {}))
        model = {"id": stand_in.model, "object": "model", "created": 0, "owned_by": "standin"}
        return JSONResponse({"object": "list", "data": [model]})

    async def not_found(request: Request) -> Response:
        message = f"Invalid URL ({request.method} {request.url.path})"
        return _openai_error(404, message, "invalid_request_error")

    return Starlette(
        routes=[
            Route("/v1/chat/completions", completions, methods=["POST"]),
            Route("/v1/models", models, methods=["GET"]),
            Route("/{path:path}", not_found, methods=["GET", "POST", "PUT", "DELETE"]),
        ]
    )


async def _openai_events(
    stand_in: ChatStandIn,
    cid: str,
    model: str,
    text: str,
    messages: list[dict[str, Any]],
    usage: bool,
) -> AsyncIterator[str]:
    yield _openai_chunk(cid, model, {"role": "assistant", "content": "", "refusal": None}, None)
    for piece in stand_in.pieces(text):
        await asyncio.sleep(0.001)
        yield _openai_chunk(cid, model, {"content": piece}, None)
    yield _openai_chunk(cid, model, {}, "stop")
    if usage:
        tail = {"id": cid, "object": "chat.completion.chunk", "created": int(time.time()),
                "model": model, "choices": [], "usage": _usage(messages, text)}  # fmt: skip
        yield f"data: {json.dumps(tail)}\n\n"
    yield "data: [DONE]\n\n"


# --- Ollama /api/chat --------------------------------------------------------------------------


def _ollama_error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def _ollama_request_problem(stand_in: ChatStandIn, body: object) -> JSONResponse | None:
    if not isinstance(body, dict):
        return _ollama_error(400, "invalid character looking for beginning of value")
    if unknown := sorted(set(body) - OLLAMA_PARAMS):
        return _ollama_error(400, f'json: unknown field "{unknown[0]}"')
    model = body.get("model")
    if not isinstance(model, str) or not model:
        return _ollama_error(400, "model is required")
    messages = body.get("messages")
    if not isinstance(messages, list):
        return _ollama_error(400, "json: cannot unmarshal messages into Go struct field")
    for m in messages:
        if not isinstance(m, dict) or not isinstance(m.get("content", ""), str):
            return _ollama_error(400, "json: cannot unmarshal content into Go struct field")
        if m.get("role") not in OLLAMA_ROLES:
            return _ollama_error(400, f"invalid role: {m.get('role')}")
    if "stream" in body and not isinstance(body["stream"], bool):
        return _ollama_error(400, "json: cannot unmarshal stream into Go struct field")
    if model.removesuffix(":latest") != stand_in.model:
        return _ollama_error(404, f'model "{model}" not found, try pulling it first')
    return None


def _ollama_line(model: str, content: str, done: bool, extra: dict[str, Any]) -> str:
    payload = {
        "model": model,
        "created_at": time.strftime("%Y-%m-%dT%H:%M:%S.000000Z", time.gmtime()),
        "message": {"role": "assistant", "content": content},
        "done": done,
        **extra,
    }
    return json.dumps(payload) + "\n"


def _ollama_done(messages: list[dict[str, Any]], text: str) -> dict[str, Any]:
    usage = _usage(messages, text)
    return {
        "done_reason": "stop",
        "total_duration": 1_000_000,
        "load_duration": 1_000,
        "prompt_eval_count": usage["prompt_tokens"],
        "prompt_eval_duration": 1_000,
        "eval_count": usage["completion_tokens"],
        "eval_duration": 1_000,
    }


def ollama_app(stand_in: ChatStandIn) -> Starlette:
    """The /api/chat, /api/tags and / endpoints of an Ollama server."""

    async def chat(request: Request) -> Response:
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _ollama_error(400, "invalid character looking for beginning of value")
        stand_in.calls.append(Call(request.url.path, dict(request.headers), body))
        if problem := _ollama_request_problem(stand_in, body):
            return problem
        await asyncio.sleep(stand_in.delay)
        if stand_in.fail_status is not None:
            return _ollama_error(stand_in.fail_status, "llama runner process has terminated")
        text, model = stand_in._next_reply(body["messages"]), body["model"]
        done = _ollama_done(body["messages"], text)
        if body.get("stream", True):  # Ollama streams unless told not to
            return StreamingResponse(
                _ollama_lines(stand_in, model, text, done), media_type="application/x-ndjson"
            )
        return JSONResponse(json.loads(_ollama_line(model, text, True, done)))

    async def tags(request: Request) -> Response:
        stand_in.calls.append(Call(request.url.path, dict(request.headers), {}))
        name = f"{stand_in.model}:latest"
        entry = {"name": name, "model": name, "modified_at": "2025-01-01T00:00:00Z",
                 "size": 1, "digest": "0" * 64, "details": {"format": "gguf"}}  # fmt: skip
        return JSONResponse({"models": [entry]})

    async def root(request: Request) -> Response:
        return PlainTextResponse("Ollama is running")

    async def not_found(request: Request) -> Response:
        return PlainTextResponse("404 page not found", status_code=404)

    return Starlette(
        routes=[
            Route("/api/chat", chat, methods=["POST"]),
            Route("/api/tags", tags, methods=["GET"]),
            Route("/", root, methods=["GET", "HEAD"]),
            Route("/{path:path}", not_found, methods=["GET", "POST", "PUT", "DELETE"]),
        ]
    )


async def _ollama_lines(
    stand_in: ChatStandIn, model: str, text: str, done: dict[str, Any]
) -> AsyncIterator[str]:
    for piece in stand_in.pieces(text):
        await asyncio.sleep(0.001)
        yield _ollama_line(model, piece, False, {})
    yield _ollama_line(model, "", True, done)


# --- running them ------------------------------------------------------------------------------


@contextmanager
def running(stand_in: ChatStandIn) -> Iterator[ChatStandIn]:
    """Serve the stand-in on a free loopback port until the block ends (bounded start)."""
    app = openai_app(stand_in) if stand_in.provider == "openai" else ollama_app(stand_in)
    server = serve(app)
    stand_in.url = next(server)
    try:
        yield stand_in
    finally:
        server.close()


def unreachable_url(provider: Provider) -> str:
    """A base URL on loopback where nothing listens (connections are refused)."""
    url = f"http://127.0.0.1:{free_port()}"
    return f"{url}/v1" if provider == "openai" else url


def llm_settings(base: Settings, stand_in: ChatStandIn, **overrides: Any) -> Settings:
    """base switched to llm mode against the stand-in (overrides win)."""
    update = {
        "answer_mode": "llm",
        "llm_provider": stand_in.provider,
        "llm_model": stand_in.model,
        "llm_base_url": stand_in.base_url,
        "llm_api_key": stand_in.api_key,
        "llm_timeout_seconds": 5.0,
    }
    return base.model_copy(update=update | overrides)


def llm_assistant(base: Assistant, stand_in: ChatStandIn, **overrides: Any) -> Assistant:
    """An Assistant over base's index whose real langchain client talks to the stand-in."""
    settings = llm_settings(base.settings, stand_in, **overrides)
    return base.with_chat_model(settings, make_chat_model(settings))


QUESTION = "Hoe lang duurt een huisverbod?"
INVENTED = "De uithuisgeplaatste krijgt een vergoeding van 250 euro"


def duration_reply(messages: list[dict[str, Any]]) -> str:
    """For QUESTION: one supported sentence and one invented, both citing the duration passage."""
    numbered = passage_numbers(str(messages[-1]["content"]))
    n = next(n for n, text in numbered.items() if "duurt in beginsel 10 dagen" in text)
    return f"Een huisverbod duurt in beginsel tien dagen [{n}]. {INVENTED} [{n}]."
