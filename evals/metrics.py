"""Plain metric functions over one case and its Answer."""

import math
import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant import sentences
from assistant.answer import Answer
from assistant.formatting import plain
from assistant.retrieval.hybrid import SAME_MEANING
from assistant.units import LIST_LINE
from evals.cases import Case

_MARKER = re.compile(r"\s*\[\d+\]")

_EXPECTED = {"answer": {"answered"}, "refuse": {"refused", "not_found"}, "emergency": {"emergency"}}


def normalise(text: str) -> str:
    """Lower case with whitespace collapsed, for phrase matching."""
    return re.sub(r"\s+", " ", text).strip().lower()


def contains_any(text: str, phrases: Sequence[str]) -> bool:
    """True when the text contains one of the phrases (case/whitespace-insensitive)."""
    haystack = normalise(text)
    return any(normalise(p) in haystack for p in phrases)


def relevant_ranks(case: Case, answer: Answer, k: int) -> list[int]:
    """1-based ranks of top-k passages that contain an evidence phrase."""
    return [i for i, p in enumerate(answer.passages[:k], 1) if contains_any(p.text, case.evidence)]


def hit_at(ranks: list[int], k: int) -> float:
    """1.0 when a relevant passage is within the first k."""
    return 1.0 if any(r <= k for r in ranks) else 0.0


def reciprocal_rank(ranks: list[int]) -> float:
    """1/rank of the first relevant passage, 0 when none."""
    return 1.0 / min(ranks) if ranks else 0.0


def ndcg(ranks: list[int], k: int) -> float:
    """Binary nDCG@k with the ideal order of the relevant passages found."""
    dcg = sum(1 / math.log2(r + 1) for r in ranks if r <= k)
    ideal = sum(1 / math.log2(i + 1) for i in range(1, min(len(ranks), k) + 1))
    return dcg / ideal if ideal else 0.0


def key_fact_coverage(case: Case, answer: Answer) -> float:
    """Share of must_include items (any-of lists) found in the answer text."""
    if not case.must_include:
        return 1.0
    return sum(contains_any(plain(answer), item) for item in case.must_include) / len(
        case.must_include
    )


def status_ok(case: Case, answer: Answer) -> bool:
    """Whether the status matches the expectation (not_found counts as refuse)."""
    return answer.status in _EXPECTED[case.expect]


def citation_validity(answer: Answer) -> tuple[int, int]:
    """(valid, total) citations: valid when it points at a retrieved passage with its number."""
    ids = [p.chunk_id for p in answer.passages]
    valid = sum(1 <= c.n <= len(ids) and ids[c.n - 1] == c.chunk_id for c in answer.citations)
    return valid, len(answer.citations)


def citation_support(case: Case, answer: Answer) -> tuple[int, int]:
    """(supported, total) cited passages that contain an evidence phrase."""
    by_id = {p.chunk_id: p.text for p in answer.passages}
    supported = sum(
        contains_any(by_id.get(c.chunk_id, ""), case.evidence) for c in answer.citations
    )
    return supported, len(answer.citations)


def pii_leaks(case: Case, answer: Answer) -> list[str]:
    """must_not_include strings that appear in the answer text or its quotes."""
    shown = plain(answer) + " " + " ".join(c.quote for c in answer.citations)
    return [s for s in case.must_not_include if normalise(s) in normalise(shown)]


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))]


def answer_body(answer: Answer) -> str:
    """The answer's own sentences: no 112 alert, no 'Zie ook' pointers, no tip."""
    return _MARKER.sub("", answer.text).strip()


def answer_sentences(answer: Answer, join_lists: bool = True) -> list[str]:
    """The sentences (and list items) of the answer body; a colon ends no sentence, so (with
    join_lists) a lead-in ending in ':' and the list items it announces count as one sentence."""
    found: list[str] = []
    announced = False
    for line in answer_body(answer).splitlines():
        parts = sentences.split(line)
        if join_lists and announced and parts and LIST_LINE.match(line):
            found[-1] = f"{found[-1]}\n{parts[0]}"
            found += parts[1:]
            announced = len(parts) == 1
            continue
        found += parts
        announced = bool(found) and found[-1].endswith(":")
    return found


def answer_words(answer: Answer) -> int:
    """Words in the answer body."""
    return len(answer_body(answer).split())


def has_list(answer: Answer) -> bool:
    """True when the answer holds a list (lists are exempt from the length goal)."""
    return sum(bool(LIST_LINE.match(line)) for line in answer_body(answer).splitlines()) >= 2


def first_sentence_answers(case: Case, answer: Answer) -> bool:
    """True when the first sentence of the answer holds one of the case's key facts."""
    first = next(iter(answer_sentences(answer)), "")
    return any(contains_any(first, item) for item in case.must_include)


def redundant_pairs(
    answer: Answer, vector: Callable[[str], np.ndarray], limit: float = SAME_MEANING
) -> int:
    """Pairs of answer sentences that say the same (cosine of their vectors at least limit).

    The limit is calibrated for the bundled e5 model, whose cosines are compressed: two
    paraphrases of one fact score 0.94-0.95, different sentences on one subject 0.85-0.93.
    Two list items are parallel by design ("1. Werken aan directe veiligheid", "2. Werken
    aan stabiele veiligheid"), not a repeat, so such pairs do not count."""
    found = answer_sentences(answer, join_lists=False)
    if len(found) < 2:
        return 0
    matrix = np.stack([vector(s) for s in found])
    similar = np.triu(matrix @ matrix.T >= limit, k=1)
    items = np.array([bool(LIST_LINE.match(s)) for s in found])
    return int(np.sum(similar & ~np.outer(items, items)))
