"""What a question is: emergency, injection, in the field, its kinds, and what to retrieve."""

import re
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from functools import cache, lru_cache

from assistant.questions.phrases import ends_with, find, matches_any, starts_with
from assistant.questions.rules import rules

_STEP_QUERY = "Wat houdt stap {step} van de meldcode in?"


@dataclass(frozen=True)
class Reading:
    """How the assistant reads one (redacted) question."""

    emergency: bool
    injection: bool
    in_domain: bool
    kinds: frozenset[str] = field(default_factory=frozenset)
    fact: str | None = None
    step_done: int = 0
    query: str = ""  # the question's own words (or the next step's question), for retrieval
    expansion: str = ""  # what a case or danger message retrieves besides its own words
    sides: tuple[str, str] | None = None  # the two things a comparison question sets apart

    @property
    def full_query(self) -> str:
        """The own words and the expansion, which the answer's sentences are weighed against."""
        return f"{self.query} {self.expansion}".strip()

    @property
    def next_step(self) -> int | None:
        """The Meldcode step that comes next, when the question says which one is done."""
        return self.step_done + 1 if 0 < self.step_done < 5 else None


def is_emergency(text: str) -> bool:
    """True when a message describes danger rather than asking about the rules."""
    danger = rules().danger
    now = find(text, danger.now) is not None
    policy = starts_with(text, danger.policy_opening) and find(text, danger.policy_terms)
    if policy and not now:
        return False
    if policy and find(text, danger.hypothetical) and not find(text, ["nu", "op dit moment"]):
        return False
    if find(text, danger.suicide) or find(text, danger.high_risk):
        return True
    return find(text, danger.acts) is not None and now


def is_injection(text: str) -> bool:
    """True when a message tries to change the rules or read the instructions."""
    return matches_any(text, rules().injection)


def is_in_domain(text: str) -> bool:
    """True when a message mentions anything of the assistant's field."""
    return find(text, rules().domain) is not None


def step_done(text: str) -> int:
    """The highest Meldcode step the message says is done (0 when it says none)."""
    for done in rules().next_step.done:
        if matches_any(text, done.rules):
            return done.step
    return 0


def has_fact(text: str, kind: str) -> bool:
    """True when text holds a fact of the kind asked for (phone number, amount, time, ...)."""
    return _fact_pattern(kind).search(text) is not None


def answers_kind(text: str, kinds: frozenset[str]) -> bool | None:
    """Whether a sentence holds what the question's kinds ask for (rules.yaml); None when no
    kind of the question asks anything of the words (a case and a next-step question ask what
    to do, not whether one must or may)."""
    markers = rules().answer_markers
    asking = kinds & markers.keys()
    if not asking or kinds & {"case", "next_step"}:
        return None
    return any(find(text, markers[kind]) is not None for kind in asking)


def leans_back(text: str) -> bool:
    """True when a sentence opens by pointing back to the one before it ("Dit plan ...")."""
    return starts_with(text, rules().leaning_openings)


@lru_cache(maxsize=16384)
def subjects_in(text: str) -> frozenset[str]:
    """The specific forms of violence a text names (rules.yaml subjects)."""
    subjects = rules().subjects.items()
    return frozenset(name for name, words in subjects if find(text, words) is not None)


@lru_cache(maxsize=16384)
def professions_in(text: str) -> frozenset[str]:
    """The professions with rules of their own a text names (rules.yaml professions)."""
    professions = rules().professions.items()
    return frozenset(name for name, words in professions if find(text, words) is not None)


def topics_in(text: str) -> frozenset[str]:
    """The forms of violence and the professions with rules of their own a text names."""
    return subjects_in(text) | professions_in(text)


def is_aside(found: AbstractSet[str], asked: AbstractSet[str]) -> bool:
    """True when a text is about forms of violence or professions (found) and the question
    names none of them (asked)."""
    return bool(found) and not found & asked


@cache
def numbered_pattern() -> re.Pattern[str]:
    """A numbered part of a procedure ("stap 3", "afweging 2"); groups: term, number."""
    terms = "|".join(re.escape(t) for t in rules().follow_up.numbered)
    return re.compile(rf"\b({terms})\s+(\d)\b", re.IGNORECASE)


def numbered_in(text: str) -> frozenset[tuple[str, str]]:
    """The numbered parts a text names, as (term, number) in lower case."""
    return frozenset((term.lower(), n) for term, n in numbered_pattern().findall(text))


def _named_parts(question: str) -> list[tuple[str, int, bool]]:
    """The numbered parts a question names, in order: (term, number, named as done, as in
    "na afweging 3")."""
    after = rules().follow_up.numbered_after
    return [
        (found.group(1).lower(), int(found.group(2)), ends_with(question[: found.start()], after))
        for found in numbered_pattern().finditer(question)
    ]


def asked_parts(question: str) -> frozenset[tuple[str, str]]:
    """The numbered parts a question asks about: "na afweging 3" asks about afweging 4."""
    return frozenset((term, str(n + done)) for term, n, done in _named_parts(question))


def _step_named_done(question: str) -> int:
    """The Meldcode step before the last that a question names as done ("wat komt na stap 2"),
    else 0."""
    parts = _named_parts(question)
    return next((n for term, n, done in parts if term == "stap" and done and 0 < n < 5), 0)


def is_other_part(found: AbstractSet[tuple[str, str]], asked: AbstractSet[tuple[str, str]]) -> bool:
    """True when a text names numbered parts (found: "stap 1") of a kind the question names,
    and none of the ones the question names ("stap 2")."""
    terms = {term for term, _ in asked}
    same_kind = {part for part in found if part[0] in terms}
    return bool(same_kind) and not same_kind & asked


def years_in(text: str) -> set[str]:
    """The years a text names ("in 2024")."""
    return set(_fact_pattern("date").findall(text))


@cache
def _fact_pattern(kind: str) -> re.Pattern[str]:
    return re.compile(rules().fact_patterns[kind], re.IGNORECASE)


def sides_of(text: str) -> tuple[str, str] | None:
    """The two sides of a comparison question ("verschil tussen X en Y"), or None."""
    found = re.search(rules().comparison, text, re.IGNORECASE)
    return (found.group(1).strip(), found.group(2).strip()) if found else None


def expansions() -> tuple[str, ...]:
    """What a danger message and a case description retrieve besides their own words."""
    return rules().danger.expansion, rules().case.expansion


def synonyms_of(text: str) -> str:
    """The documents' words for the professional's words in text (rules.yaml synonyms)."""
    found = [words for phrase, words in rules().synonyms.items() if find(text, [phrase])]
    return " ".join(dict.fromkeys(" ".join(found).split()))


def is_case(text: str) -> bool:
    """True when a message describes a situation and asks what to do."""
    r = rules()  # "wat is de volgende stap?" with nothing done yet asks the same
    asks = find(text, r.case.asks) or find(text, r.next_step.asks)
    return asks is not None and find(text, r.case.signals) is not None


def understand(question: str) -> Reading:
    """Read a redacted, self-contained question."""
    r = rules()
    kinds = {name for name, kind_rules in r.kinds.items() if matches_any(question, kind_rules)}
    if starts_with(question, r.open_openings):
        kinds -= {"may_i", "must_i"}
    fact = next((name for name, fr in r.facts.items() if matches_any(question, fr)), None)
    query = " ".join([question, synonyms_of(question)]).strip()  # in the documents' words too
    done, expansion = 0, ""
    named = _step_named_done(question)
    if named:
        done = named
    elif find(question, r.next_step.asks) and not find(question, r.next_step.explicit):
        done = step_done(question)
    if 0 < done < 5:
        kinds.add("next_step")
        query = _STEP_QUERY.format(step=done + 1)
    emergency = is_emergency(question)
    if emergency:
        expansion = r.danger.expansion
    elif not done and is_case(question):
        kinds.add("case")
        expansion = r.case.expansion
    return Reading(
        emergency=emergency,
        injection=is_injection(question),
        in_domain=is_in_domain(query),
        kinds=frozenset(kinds),
        fact=fact,
        step_done=done,
        query=query,
        expansion=expansion,
        sides=sides_of(question),
    )
