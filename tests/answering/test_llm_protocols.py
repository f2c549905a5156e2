"""llm mode end to end: the real langchain-openai / langchain-ollama clients, loopback stand-ins
of both servers, the bundled index. Only checked sentences reach the user; a failing model
gives the extractive answer with a notice."""

import asyncio
import time
from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from assistant.answer import Answer
from assistant.messages import LLM_UNAVAILABLE as UNAVAILABLE
from assistant.service import Assistant
from tests.llm_standins import (
    INVENTED,
    QUESTION,
    ChatStandIn,
    Provider,
    duration_reply,
    llm_assistant,
    running,
    unreachable_url,
)
from via.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(params=["openai", "ollama"])
def stand_in(request: pytest.FixtureRequest) -> Iterator[ChatStandIn]:
    """A stand-in of either server that requires a key, answering duration_reply."""
    provider: Provider = request.param
    with running(ChatStandIn(provider, api_key="sleutel", replies=[duration_reply])) as server:
        yield server


def collect(assistant: Assistant, question: str) -> tuple[list[str], Answer]:
    """Everything astream yields: the text pieces and the final Answer."""

    async def run() -> list[str | Answer]:
        return [item async for item in assistant.astream(question)]

    items = asyncio.run(run())
    pieces, final = items[:-1], items[-1]
    assert isinstance(final, Answer) and all(isinstance(p, str) for p in pieces)
    return [str(p) for p in pieces], final


def test_ask_shows_the_supported_sentence_and_drops_the_invented_one(
    bundled_assistant: Assistant, stand_in: ChatStandIn
) -> None:
    answer = llm_assistant(bundled_assistant, stand_in).ask(QUESTION)
    assert answer.status == "answered" and answer.fallback == ""
    assert answer.text.startswith("Een huisverbod duurt in beginsel tien dagen [")
    assert INVENTED not in answer.text and "250" not in answer.text
    assert [d.startswith(INVENTED) for d in answer.dropped] == [True]
    assert answer.citations[0].quote == "Een huisverbod duurt in beginsel 10 dagen."
    (call,) = stand_in.chats()
    assert call.body["model"] == stand_in.model
    assert [m["role"] for m in call.body["messages"]] == ["system", "user"]
    assert QUESTION in call.body["messages"][1]["content"]
    assert call.headers["authorization"] == "Bearer sleutel"
    # langchain-ollama always streams from /api/chat; langchain-openai asks for one reply
    assert call.body["stream"] is (stand_in.provider == "ollama")


def test_astream_yields_only_checked_sentences(
    bundled_assistant: Assistant, stand_in: ChatStandIn
) -> None:
    stand_in.chunk_chars = 3  # markers and sentence ends fall across chunks
    pieces, answer = collect(llm_assistant(bundled_assistant, stand_in), QUESTION)
    assert pieces and all(INVENTED not in p and "250" not in p for p in pieces)
    assert "".join(pieces) == answer.text and answer.status == "answered"
    assert len(answer.dropped) == 1
    assert stand_in.chats()[-1].body["stream"] is True


def test_what_leaves_the_machine_is_the_redacted_question_and_the_passages(
    bundled_assistant: Assistant, stand_in: ChatStandIn
) -> None:
    question = (
        "Mevrouw Jansen (0612345678, Kerkstraat 12, 5341 AB Oss) vraagt hoe lang een "
        "huisverbod duurt."
    )
    llm_assistant(bundled_assistant, stand_in).ask(question)
    sent = str(stand_in.chats()[-1].body)
    assert "duurt in beginsel 10 dagen" in sent
    for personal in ("Jansen", "0612345678", "Kerkstraat", "5341"):
        assert personal not in sent


@pytest.mark.parametrize("failure", ["unreachable", "timeout", "error"])
def test_a_failing_model_gives_the_extractive_answer_with_a_notice(
    bundled_assistant: Assistant, stand_in: ChatStandIn, failure: str
) -> None:
    overrides: dict[str, object] = {"llm_timeout_seconds": 1.0}
    if failure == "unreachable":
        overrides["llm_base_url"] = unreachable_url(stand_in.provider)
    elif failure == "timeout":
        stand_in.delay = 3.0
    else:
        stand_in.fail_status = 500
    assistant = llm_assistant(bundled_assistant, stand_in, **overrides)
    started = time.perf_counter()
    answer = assistant.ask(QUESTION)
    assert time.perf_counter() - started < 30
    assert answer.status == "answered" and answer.fallback == failure
    assert answer.text.startswith(UNAVAILABLE + "\n\n")
    assert "duurt in beginsel 10 dagen" in answer.text and answer.citations
    calls = len(stand_in.chats())
    again = assistant.ask(QUESTION)  # the model is skipped for a while: no wait, no request
    assert again.text.startswith(UNAVAILABLE) and len(stand_in.chats()) == calls


@pytest.mark.parametrize("failure", ["timeout", "error"])
def test_a_failing_model_while_streaming_gives_the_extractive_answer_with_a_notice(
    bundled_assistant: Assistant, stand_in: ChatStandIn, failure: str
) -> None:
    if failure == "timeout":
        stand_in.delay = 3.0
    else:
        stand_in.fail_status = 500
    assistant = llm_assistant(bundled_assistant, stand_in, llm_timeout_seconds=1.0)
    pieces, answer = collect(assistant, QUESTION)
    assert answer.fallback == failure and answer.status == "answered"
    assert "".join(pieces) == answer.text and answer.text.startswith(UNAVAILABLE)


def test_every_sentence_dropped_falls_back_to_the_extractive_answer(
    bundled_assistant: Assistant, stand_in: ChatStandIn
) -> None:
    stand_in.script(f"{INVENTED} [1]. Ook krijgt iedereen een gratis advocaat.")
    answer = llm_assistant(bundled_assistant, stand_in).ask(QUESTION)
    assert answer.status == "answered" and answer.fallback == "ungrounded"
    assert len(answer.dropped) == 2 and INVENTED not in answer.text
    assert "duurt in beginsel 10 dagen" in answer.text and not answer.text.startswith(UNAVAILABLE)


def test_a_follow_up_is_condensed_by_the_model_or_resolved_without_it(
    bundled_assistant: Assistant, stand_in: ChatStandIn
) -> None:
    stand_in.script("Kan een huisverbod worden verlengd?", duration_reply)
    answer = llm_assistant(bundled_assistant, stand_in).ask("En verlengen?", [QUESTION])
    condense, _ = stand_in.chats()
    assert "En verlengen?" in str(condense.body["messages"]) and answer.status == "answered"
    down_url = unreachable_url(stand_in.provider)
    down = llm_assistant(bundled_assistant, stand_in, llm_base_url=down_url)
    assert down.ask("En verlengen?", [QUESTION]).status == "answered"


def test_via_ask_answers_extractively_when_the_model_server_is_down(
    bundled_assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = bundled_assistant.settings
    monkeypatch.setenv("VIA_DATA_DIR", str(settings.data_dir))
    monkeypatch.setenv("VIA_CORPUS_DIR", str(settings.corpus_dir))
    monkeypatch.setenv("VIA_ANSWER_MODE", "llm")
    monkeypatch.setenv("VIA_LLM_PROVIDER", "openai")
    monkeypatch.setenv("VIA_LLM_MODEL", "standin-model")
    monkeypatch.setenv("VIA_LLM_API_KEY", "sleutel")
    monkeypatch.setenv("VIA_LLM_BASE_URL", unreachable_url("openai"))
    result = CliRunner().invoke(main, ["ask", QUESTION])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(UNAVAILABLE) and "Traceback" not in result.output
    assert "10 dagen" in result.stdout and "Bronnen:" in result.stdout
