"""llm mode over HTTP: the web chat stream and the OpenAI-compatible stream carry only checked
sentences, the API never shows what was dropped, and /readyz reports the chat model."""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import openai
import pytest

from assistant.api.app import create_app
from assistant.api.schemas import AskResponse
from assistant.messages import LLM_UNAVAILABLE as UNAVAILABLE
from assistant.service import Assistant
from assistant.settings import Settings
from tests.api.conftest import database, serve
from tests.llm_standins import (
    INVENTED,
    QUESTION,
    ChatStandIn,
    Provider,
    duration_reply,
    llm_assistant,
    llm_settings,
    running,
    unreachable_url,
)

pytestmark = pytest.mark.slow


@dataclass
class LlmServer:
    """The API in llm mode and the stand-in behind it."""

    url: str
    stand_in: ChatStandIn


def api(settings: Settings, assistant: Assistant, folder: Path) -> Iterator[str]:
    """The app over assistant under uvicorn on loopback."""
    yield from serve(create_app(settings, assistant, database(folder)))


@pytest.fixture(scope="module", params=["openai", "ollama"])
def llm_server(
    request: pytest.FixtureRequest,
    bundled_assistant: Assistant,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[LlmServer]:
    """The API whose assistant asks a stand-in of either server (scripted: duration_reply)."""
    provider: Provider = request.param
    with running(ChatStandIn(provider, replies=[duration_reply])) as stand_in:
        settings = llm_settings(bundled_assistant.settings, stand_in, rate_limit_per_minute=1000)
        assistant = llm_assistant(bundled_assistant, stand_in)
        for url in api(settings, assistant, tmp_path_factory.mktemp("db")):
            yield LlmServer(url, stand_in)


def sse(text: str) -> list[tuple[str, dict[str, object]]]:
    """(event, data) pairs of a Server-Sent Events body."""
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


def test_web_chat_stream_carries_only_checked_sentences(llm_server: LlmServer) -> None:
    llm_server.stand_in.chunk_chars = 4
    res = httpx.post(f"{llm_server.url}/v1/ask/stream", json={"question": QUESTION}, timeout=60)
    events = sse(res.text)
    deltas = [str(d["text"]) for e, d in events if e == "delta"]
    (final,) = [d for e, d in events if e == "answer"]
    assert deltas and all(INVENTED not in d and "250" not in d for d in deltas)
    assert "".join(deltas) == final["answer"] and final["status"] == "answered"
    assert str(final["answer"]).startswith("Een huisverbod duurt in beginsel tien dagen [")
    assert set(final) == set(AskResponse.model_fields)  # nothing about dropped sentences
    assert llm_server.stand_in.chats()[-1].body["stream"] is True


def test_openai_compatible_stream_carries_only_checked_sentences(llm_server: LlmServer) -> None:
    client = openai.OpenAI(base_url=f"{llm_server.url}/v1", api_key="geen", max_retries=0)
    stream = client.chat.completions.create(
        model="via-assistent", messages=[{"role": "user", "content": QUESTION}], stream=True
    )
    chunks = list(stream)
    pieces = [c.choices[0].delta.content or "" for c in chunks if c.choices]
    text = "".join(pieces)
    assert all(INVENTED not in p for p in pieces) and "250" not in text
    assert text.startswith("Een huisverbod duurt in beginsel tien dagen [")
    assert "\n\nBronnen:\n[" in text and chunks[-1].choices[0].finish_reason == "stop"
    assert "dropped" not in json.dumps(chunks[-1].model_extra)


def test_ask_and_chat_completions_never_expose_what_was_dropped(llm_server: LlmServer) -> None:
    body = httpx.post(f"{llm_server.url}/v1/ask", json={"question": QUESTION}, timeout=60).json()
    assert set(body) == set(AskResponse.model_fields) and INVENTED not in json.dumps(body)
    client = openai.OpenAI(base_url=f"{llm_server.url}/v1", api_key="geen", max_retries=0)
    done = client.chat.completions.create(
        model="via-assistent", messages=[{"role": "user", "content": QUESTION}]
    )
    assert INVENTED not in (done.choices[0].message.content or "")
    assert "dropped" not in json.dumps(done.model_extra)
    assert "250 euro" not in done.model_dump_json()  # not "250": the id is random hex


def test_readyz_reports_a_reachable_chat_model(llm_server: LlmServer) -> None:
    body = httpx.get(f"{llm_server.url}/readyz", timeout=30).json()
    assert body["llm"] == {
        "provider": llm_server.stand_in.provider,
        "model": "standin-model",
        "reachable": True,
    }


def test_with_the_model_down_the_server_answers_from_the_sources_and_says_so(
    bundled_assistant: Assistant, tmp_path: Path
) -> None:
    stand_in = ChatStandIn("ollama")
    stand_in.url = unreachable_url("ollama")
    settings = llm_settings(bundled_assistant.settings, stand_in)
    for url in api(settings, llm_assistant(bundled_assistant, stand_in), tmp_path):
        ready = httpx.get(f"{url}/readyz", timeout=30)
        assert ready.status_code == 200 and ready.json()["ready"] is True
        assert ready.json()["llm"]["reachable"] is False
        assert "niet bereikbaar" in ready.json()["llm"]["detail"]
        res = httpx.post(f"{url}/v1/ask/stream", json={"question": QUESTION}, timeout=60)
        events = sse(res.text)
        (final,) = [d for e, d in events if e == "answer"]
        assert str(final["answer"]).startswith(UNAVAILABLE) and final["citations"]
        assert "".join(str(d["text"]) for e, d in events if e == "delta") == final["answer"]
        assert "Traceback" not in res.text and "error" not in [e for e, _ in events]
