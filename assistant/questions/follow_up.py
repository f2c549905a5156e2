"""Follow-ups made self-contained with the previous question (deterministic, rules as data)."""

import re
from collections.abc import Sequence

from assistant import messages
from assistant.errors import QuestionError
from assistant.questions.phrases import find, starts_with
from assistant.questions.rules import rules


def check_question(question: str, limit: int) -> str:
    """The stripped question, or QuestionError when it is empty or longer than limit."""
    question = question.strip()
    if not question:
        raise QuestionError(messages.EMPTY_QUESTION)
    if len(question) > limit:
        raise QuestionError(messages.LONG_QUESTION.format(limit=limit))
    return question


def _numbered(text: str) -> re.Match[str] | None:
    """The first numbered term ('stap 3', 'afweging 2') in text."""
    terms = "|".join(re.escape(t) for t in rules().follow_up.numbered)
    return re.search(rf"\b({terms})\s+(\d)\b", text, re.IGNORECASE)


def is_elliptical(question: str) -> bool:
    """True when the question leans on an earlier one to be understood."""
    follow = rules().follow_up
    lowered = question.lower()
    content = [w for w in re.findall(r"\w+", lowered) if len(w) > 3]
    return (
        starts_with(lowered, follow.openings)
        or len(content) <= 1
        or (find(lowered, follow.anaphors) is not None and len(content) <= 4)
    )


def resolve_follow_up(question: str, history: Sequence[str]) -> str:
    """The question made self-contained with the previous one, when it is a follow-up."""
    if not history or not is_elliptical(question):
        return question
    previous, follow = history[-1], rules().follow_up
    numbered = _numbered(previous)
    if numbered and not _numbered(question):
        step = int(numbered.group(2))
        forward = find(question, follow.next) is not None
        delta = 1 if forward else -1 if find(question, follow.previous) is not None else 0
        if delta:
            rest = previous[numbered.end() :]
            moved = f"{numbered.group(1)} {step + delta}"
            return f"{previous[: numbered.start()]}{moved}{rest} {question}"
    return f"{previous} {question}"
