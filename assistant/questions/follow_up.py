"""Follow-ups made self-contained with the previous question (deterministic, rules as data)."""

import re
from collections.abc import Sequence

from assistant import messages, sentences
from assistant.errors import QuestionError
from assistant.questions.phrases import find, starts_with
from assistant.questions.rules import rules
from assistant.questions.understand import numbered_pattern

_MARKERS = re.compile(r"\[\d+\]")
_LAST_PART = 5  # the Meldcode has five steps and five afwegingen: there is no "stap 6"


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
    return numbered_pattern().search(text)


def _content(text: str) -> list[str]:
    """The words of text that carry content (longer than three letters)."""
    return [w for w in re.findall(r"\w+", text) if len(w) > 3]


def is_elliptical(question: str) -> bool:
    """True when the question leans on an earlier one to be understood."""
    follow = rules().follow_up
    lowered = question.lower()
    content = _content(lowered)
    own = [w for w in content if w not in follow.question_words]
    return (
        starts_with(lowered, follow.openings)
        or not own
        or (find(lowered, follow.anaphors) is not None and len(content) <= 4)
    )


def resolve_follow_up(question: str, history: Sequence[str], answer: str = "") -> str:
    """The question made self-contained with the previous one, when it is a follow-up; a
    question about the previous answer itself is read with that answer's first sentence."""
    follow = rules().follow_up
    clarify = find(question, follow.clarify)
    if clarify and answer and not _content(question.lower().replace(clarify, " ")):
        first = next(iter(sentences.split(_MARKERS.sub("", answer))), "")
        return f"{first} {question}".strip()  # "kun je dat uitleggen?": about the answer
    if not history or not (clarify or is_elliptical(question)):
        return question
    previous = history[-1]
    numbered = _numbered(previous)
    if numbered and not _numbered(question):
        step = int(numbered.group(2))
        forward = find(question, follow.next) is not None
        delta = 1 if forward else -1 if find(question, follow.previous) is not None else 0
        if delta and 1 <= step + delta <= _LAST_PART:
            rest = previous[numbered.end() :]
            moved = f"{numbered.group(1)} {step + delta}"
            return f"{previous[: numbered.start()]}{moved}{rest} {question}"
    return f"{previous} {question}"


def leans_on(question: str, resolved: str, history: Sequence[str]) -> bool:
    """True when a follow-up was made self-contained by putting the previous question, as it
    was, before it (not a moved step, not a question about the previous answer)."""
    return bool(history) and resolved == f"{history[-1]} {question}"
