"""Citations only ever point at retrieved passages, in both answer modes."""

import asyncio
import re
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistant.answer import Alert, Answer
from assistant.citations import StreamFilter, validate
from assistant.service import Assistant
from evals.grounding import passage_numbers
from tests.llm_standins import ChatStandIn, llm_assistant, running

QUESTION = "Hoe vaak komt de stuurgroep zorg en veiligheid bijeen?"


def test_validate_drops_unknown_markers() -> None:
    text, cited = validate("Tien dagen [2]. Verlengen kan [7][1, 9].", 3)
    assert text == "Tien dagen [2]. Verlengen kan [1]."
    assert cited == [2, 1]


def test_stream_filter_holds_back_unfinished_markers() -> None:
    f = StreamFilter(2)
    out = f.feed("Stap 3 [") + f.feed("1") + f.feed("] en [9") + f.feed("] klaar") + f.flush()
    assert out == "Stap 3 [1] en  klaar"


@pytest.fixture(scope="module")
def stand_in() -> Iterator[ChatStandIn]:
    """An OpenAI-compatible stand-in for the hosted model (real HTTP, real langchain client)."""
    with running(ChatStandIn("openai")) as server:
        yield server


@pytest.fixture(scope="module")
def llm(bundled_assistant: Assistant, stand_in: ChatStandIn) -> Assistant:
    """The bundled index answering in llm mode through the stand-in."""
    return llm_assistant(bundled_assistant, stand_in)


def meeting_reply(messages: list[dict[str, object]]) -> str:
    """A supported sentence citing the passage on the meetings, and a marker that points nowhere."""
    numbered = passage_numbers(str(messages[-1]["content"]))
    n = next(n for n, text in numbered.items() if "Drie keer per jaar" in text)
    return f"Drie keer per jaar komt de stuurgroep zorg en veiligheid bijeen [{n}] [8]."


markers = st.lists(st.integers(min_value=-2, max_value=12), max_size=6)
words = st.text(alphabet="abcdefghij klm.", min_size=0, max_size=40)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(st.tuples(words, markers), min_size=1, max_size=5))
def test_llm_citations_always_point_at_retrieved_passages(
    llm: Assistant, stand_in: ChatStandIn, parts: list[tuple[str, list[int]]]
) -> None:
    stand_in.script(" ".join(w + "".join(f"[{n}]" for n in ns) for w, ns in parts))
    answer = llm.ask(QUESTION)
    ids = [p.chunk_id for p in answer.passages]
    for citation in answer.citations:
        assert 1 <= citation.n <= len(ids) and ids[citation.n - 1] == citation.chunk_id
    shown = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert shown <= set(range(1, len(ids) + 1))
    if not answer.citations:
        assert answer.status == "not_found"


def test_llm_answer_with_valid_citation_is_answered(llm: Assistant, stand_in: ChatStandIn) -> None:
    stand_in.script(meeting_reply)
    answer = llm.ask(QUESTION)
    assert answer.status == "answered" and answer.fallback == "" and len(answer.citations) == 1
    assert answer.text.startswith("Drie keer per jaar") and "[8]" not in answer.text


def test_llm_streaming_yields_pieces_then_answer(llm: Assistant, stand_in: ChatStandIn) -> None:
    stand_in.script(meeting_reply)

    async def collect() -> list[Alert | str | Answer]:
        return [item async for item in llm.astream(QUESTION)]

    items = asyncio.run(collect())
    final = items[-1]
    assert isinstance(final, Answer) and final.status == "answered"
    streamed = "".join(i for i in items[:-1] if isinstance(i, str))
    assert streamed == final.text and "[8]" not in streamed
    assert f"[{final.citations[0].n}]" in streamed
