"""Grounding eval: scripted model answers whose sentences must be kept or dropped as expected.

Each case scripts what a model answers to a question, sentence by sentence, with the expected
verdict. `reply` renders the answer for the prompt the model receives (a sentence cites the
numbered passage that contains its `cite` phrase); `score` compares the Answer with the script.
"""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.answer import Answer
from assistant.answering.grounding import claim
from assistant.errors import ViaError
from assistant.service import Assistant

GROUNDING_DIR = Path(__file__).resolve().parent
Kind = Literal[
    "supported",
    "paraphrase",
    "uncited_supported",
    "invented",
    "wrong_number",
    "contradiction",
    "wrong_source",
    "uncited_invented",
]


class ScriptedSentence(BaseModel):
    """One sentence of a scripted answer and whether the check must keep it."""

    model_config = ConfigDict(extra="forbid")

    text: str
    cite: str | None = None
    expect: Literal["keep", "drop"]
    kind: Kind


class GroundingCase(BaseModel):
    """A question and the scripted answer a model gives to it."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    layout: Literal["prose", "list"] = "prose"
    sentences: list[ScriptedSentence]


def load_grounding_cases(paths: list[Path] | None = None) -> list[GroundingCase]:
    """Read scripted cases (default: evals/grounding/scripted.yaml)."""
    cases: list[GroundingCase] = []
    for path in paths or [GROUNDING_DIR / "scripted.yaml"]:
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8")) or []
            cases.extend(GroundingCase.model_validate(item) for item in raw)
        except (yaml.YAMLError, ValidationError, TypeError) as exc:
            raise ViaError(f"Ongeldig casusbestand {path}: {exc}") from exc
    return cases


def _normal(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def passage_numbers(prompt: str) -> dict[int, str]:
    """The '[n] title — section\\nbody' passages of the answer prompt, by number."""
    parts = re.split(r"^\[(\d+)\] ", prompt, flags=re.M)
    return {int(parts[i]): parts[i + 1] for i in range(1, len(parts) - 1, 2)}


def render(case: GroundingCase, prompt: str) -> str:
    """The scripted answer with [n] markers for the passages numbered in this prompt."""
    numbered = {n: _normal(text) for n, text in passage_numbers(prompt).items()}
    lines = []
    for sentence in case.sentences:
        text = sentence.text
        if sentence.cite is not None:
            phrase = _normal(sentence.cite)
            n = next((n for n, body in numbered.items() if phrase in body), None)
            if n is None:
                raise ViaError(f"{case.id}: geen opgehaalde passage bevat '{sentence.cite}'")
            body, end = (text[:-1], text[-1]) if text[-1] in ".;:" else (text, "")
            text = f"{body} [{n}]{end}"
        lines.append(text)
    if case.layout == "list":
        return lines[0] + "".join(f"\n- {line}" for line in lines[1:])
    return " ".join(lines)


def reply(case: GroundingCase) -> Callable[[list[dict[str, Any]]], str]:
    """A stand-in reply function: renders the case for the prompt in the request's messages."""

    def answer(messages: list[dict[str, Any]]) -> str:
        return render(case, str(messages[-1].get("content", "")))

    return answer


def score(case: GroundingCase, answer: Answer) -> list[dict[str, Any]]:
    """Per scripted sentence: expected and actual verdict (dropped = listed in answer.dropped)."""
    dropped = {_normal(claim(d)) for d in answer.dropped}
    shown = _normal(answer.text)
    rows = []
    for sentence in case.sentences:
        said = _normal(claim(sentence.text))
        was_dropped = said in dropped
        rows.append(
            {
                "case": case.id,
                "text": sentence.text,
                "kind": sentence.kind,
                "expect": sentence.expect,
                "actual": "drop" if was_dropped else "keep",
                "shown": said.rstrip(".;:") in shown,
            }
        )
    return rows


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Precision and recall of the dropped sentences, accuracy per kind, and the misjudged."""
    true_drops = sum(r["expect"] == "drop" and r["actual"] == "drop" for r in rows)
    dropped = sum(r["actual"] == "drop" for r in rows)
    should_drop = sum(r["expect"] == "drop" for r in rows)
    kinds = sorted({r["kind"] for r in rows})
    return {
        "sentences": len(rows),
        "drop_precision": round(true_drops / dropped, 4) if dropped else 1.0,
        "drop_recall": round(true_drops / should_drop, 4) if should_drop else 1.0,
        "by_kind": {
            k: round(
                sum(r["expect"] == r["actual"] for r in rows if r["kind"] == k)
                / sum(r["kind"] == k for r in rows),
                4,
            )
            for k in kinds
        },
        "misjudged": [r for r in rows if r["expect"] != r["actual"]],
    }


def evaluate(
    assistant: Assistant,
    cases: list[GroundingCase],
    script: Callable[[Callable[[list[dict[str, Any]]], str]], None],
) -> dict[str, Any]:
    """Ask every case with the model scripted to its answer (script loads a reply function)."""
    rows: list[dict[str, Any]] = []
    for case in cases:
        script(reply(case))
        rows.extend(score(case, assistant.ask(case.question)))
    return summarize(rows)


def measure(assistant: Assistant, cases: list[GroundingCase]) -> list[dict[str, Any]]:
    """Per sentence the check's verdict and measures, without a model (for calibration)."""
    rows: list[dict[str, Any]] = []
    for case in cases:
        passages = assistant.retrieve(case.question)
        prompt = "\n\n".join(f"[{i}] {p.text}" for i, p in enumerate(passages, 1))
        try:
            text = render(case, prompt)
        except ViaError as exc:
            rows.append({"case": case.id, "skipped": str(exc)})
            continue
        checker = assistant.checker(passages)
        checker.feed(text)
        checker.flush()
        for sentence, verdict in zip(case.sentences, checker.verdicts, strict=True):
            rows.append(
                {
                    "case": case.id,
                    "kind": sentence.kind,
                    "expect": sentence.expect,
                    "actual": "keep" if verdict.kept else "drop",
                    "reason": verdict.reason,
                    "words": verdict.words,
                    "meaning": verdict.meaning,
                    "text": sentence.text,
                }
            )
    return rows
