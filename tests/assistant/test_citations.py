"""Citations only ever point at retrieved passages, in both answer modes."""

import asyncio
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from langchain_core.language_models.fake_chat_models import FakeListChatModel

from assistant.answer import Answer
from assistant.citations import StreamFilter, validate
from assistant.service import Assistant

QUESTION = "Hoe vaak komt de stuurgroep zorg en veiligheid bijeen?"


def test_validate_drops_unknown_markers() -> None:
    text, cited = validate("Tien dagen [2]. Verlengen kan [7][1, 9].", 3)
    assert text == "Tien dagen [2]. Verlengen kan [1]."
    assert cited == [2, 1]


def test_stream_filter_holds_back_unfinished_markers() -> None:
    f = StreamFilter(2)
    out = f.feed("Stap 3 [") + f.feed("1") + f.feed("] en [9") + f.feed("] klaar") + f.flush()
    assert out == "Stap 3 [1] en  klaar"


def _llm_assistant(base: Assistant, reply: str) -> Assistant:
    return Assistant(base.settings, base.retriever, FakeListChatModel(responses=[reply]))


markers = st.lists(st.integers(min_value=-2, max_value=12), max_size=6)
words = st.text(alphabet="abcdefghij klm.", min_size=0, max_size=40)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(parts=st.lists(st.tuples(words, markers), min_size=1, max_size=5))
def test_llm_citations_always_point_at_retrieved_passages(
    bundled_assistant: Assistant, parts: list[tuple[str, list[int]]]
) -> None:
    reply = " ".join(w + "".join(f"[{n}]" for n in ns) for w, ns in parts)
    answer = _llm_assistant(bundled_assistant, reply).ask(QUESTION)
    ids = [p.chunk_id for p in answer.passages]
    for citation in answer.citations:
        assert 1 <= citation.n <= len(ids) and ids[citation.n - 1] == citation.chunk_id
    shown = {int(n) for n in re.findall(r"\[(\d+)\]", answer.text)}
    assert shown <= set(range(1, len(ids) + 1))
    if not answer.citations:
        assert answer.status == "not_found"


def test_llm_answer_with_valid_citation_is_answered(bundled_assistant: Assistant) -> None:
    answer = _llm_assistant(bundled_assistant, "Drie keer per jaar [1] [8].").ask(QUESTION)
    assert answer.status == "answered"
    assert [c.n for c in answer.citations] == [1]
    assert "[8]" not in answer.text


def test_llm_streaming_yields_pieces_then_answer(bundled_assistant: Assistant) -> None:
    llm = _llm_assistant(bundled_assistant, "Tien dagen [1][9].")
    llm.settings = llm.settings.model_copy(update={"answer_mode": "llm"})

    async def collect() -> list[str | Answer]:
        return [item async for item in llm.astream(QUESTION)]

    items = asyncio.run(collect())
    final = items[-1]
    assert isinstance(final, Answer) and final.status == "answered"
    streamed = "".join(i for i in items[:-1] if isinstance(i, str))
    assert "[1]" in streamed and "[9]" not in streamed
