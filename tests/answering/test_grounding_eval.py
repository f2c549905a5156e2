"""CI grounding eval: scripted model answers through the stand-in; every invented or
wrong-number sentence is dropped and every supported one kept (evals/grounding/*.yaml)."""

import json
from collections.abc import Iterator

import pytest

from assistant.sentences import split
from assistant.service import Assistant
from evals.cases import CASES_DIR, load_cases
from evals.grounding import GROUNDING_DIR, evaluate, load_grounding_cases, passage_numbers
from evals.runner import evaluate as run_eval
from tests.llm_standins import ChatStandIn, llm_assistant, running

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stand_in() -> Iterator[ChatStandIn]:
    """An OpenAI-compatible stand-in the eval scripts per case."""
    with running(ChatStandIn("openai")) as server:
        yield server


@pytest.mark.parametrize("name", ["scripted", "calibration"])
def test_the_check_drops_exactly_the_unsupported_sentences(
    bundled_assistant: Assistant, stand_in: ChatStandIn, name: str
) -> None:
    cases = load_grounding_cases([GROUNDING_DIR / f"{name}.yaml"])
    summary = evaluate(llm_assistant(bundled_assistant, stand_in), cases, stand_in.script)
    print(json.dumps({k: v for k, v in summary.items() if k != "misjudged"}, indent=1))
    assert summary["misjudged"] == []
    assert summary["drop_precision"] == summary["drop_recall"] == 1.0
    assert summary["sentences"] == sum(len(c.sentences) for c in cases) >= 29
    assert {"invented", "wrong_number", "supported", "paraphrase"} <= set(summary["by_kind"])


def test_the_eval_notices_a_check_that_keeps_everything(
    bundled_assistant: Assistant, stand_in: ChatStandIn
) -> None:
    cases = load_grounding_cases()
    lenient = llm_assistant(bundled_assistant, stand_in)
    lenient.grounder.thresholds = type(lenient.grounder.thresholds)(
        meaning_floor=0, words=0, words_low=0, meaning=0, uncited_words=0, uncited_meaning=0
    )
    summary = evaluate(lenient, cases, stand_in.script)
    assert summary["drop_recall"] < 1.0 and summary["misjudged"]


def first_sentence_and_an_invention(messages: list[dict[str, object]]) -> str:
    """Passage [1]'s first sentence (supported) and an invented amount (to be dropped)."""
    body = passage_numbers(str(messages[-1]["content"]))[1].split("\n", 1)[1]
    return f"{split(body)[0]} [1] Daarvoor geldt een vergoeding van 250 euro [1]."


def test_eval_in_llm_mode_reports_what_the_check_held_back(
    bundled_assistant: Assistant, stand_in: ChatStandIn
) -> None:
    stand_in.script(first_sentence_and_an_invention)
    cases = load_cases([CASES_DIR / "kennisbank.yaml"])[:3]
    summary = run_eval(llm_assistant(bundled_assistant, stand_in), cases, k=5)
    asked = len(stand_in.chats())
    assert asked >= 1
    assert summary["grounding"] == {
        "dropped_sentences": asked,
        "answers_with_drops": asked,
        "fallbacks": {},
    }
    assert all(case["dropped"] == 1 for case in summary["per_case"] if case["status"] == "answered")
