"""The relevance gate: refuse what is outside the field, 'not found' when no passage answers."""

import re

from assistant import messages
from assistant.answer import Passage, Status
from assistant.questions.understand import Reading
from assistant.retrieval.lexical import LexicalIndex
from assistant.settings import Settings

_QUESTION_SENTENCE = re.compile(r"[^.!?]*\?")


def gate(
    query: str,
    reading: Reading,
    passages: list[Passage],
    dense: float,
    lexical: LexicalIndex,
    settings: Settings,
) -> tuple[Status, str] | None:
    """None when the passages can answer; else the status and message to give instead.

    dense: the best meaning similarity of the query and a retrieved passage (bundled model).
    """
    focus = [query, *_QUESTION_SENTENCE.findall(query)[-1:]]
    cover = max((lexical.coverage(q, p.text) for q in focus for p in passages), default=0.0)
    if not reading.in_domain and cover < 0.5 and dense < settings.scope_similarity:
        return "refused", messages.REFUSED
    if "case" in reading.kinds:
        return None  # a described situation always gets the start of the Meldcode
    if cover < settings.min_relevance and dense < settings.answer_similarity:
        return "not_found", messages.NOT_FOUND
    return None
