"""Extractive answers: the best passage's answering sentences first, whole lists, little else."""

from collections.abc import Callable
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field

from assistant import messages
from assistant.answer import Passage
from assistant.questions.understand import (
    Reading,
    answers_kind,
    has_fact,
    is_aside,
    leans_back,
    professions_in,
    topics_in,
    years_in,
)
from assistant.retrieval.lexical import LexicalIndex
from assistant.units import LIST_LINE, NOT_CONTENT, body_of, sentences_of, units

_MAX_WORDS = 120
_MAX_DIRECT = 4
# a described case takes two sentences of its best passage, then the steps other passages add
# (four took the kindcheck for adult clients into a child's case from the stap-1 passage)
_CASE_DIRECT = 2
_DIRECT_SHARE, _EXTRA_SHARE = 0.55, 0.7  # of the best unit's score
# meaning a fact sentence needs when few question words occur in it: "hoe lang mag hij niet
# thuis komen" finds the huisverbod's days at 0.85, "hoe lang bewaar ik het dossier" found
# them at 0.64 (the sources hold no retention period)
_FACT_SENSE = 0.75
_MAX_EXTRA = 2
_COMPARES = 0.5  # share of a sentence's words that are the two sides when it compares them
_MAX_SEE_ALSO = 2
# Weights of a unit's score: question words it covers, meaning (1), the section heading, the
# passage's retrieval score and an early place in its section; chosen on the eval cases
# (the unit ranked first holds a key fact most often: 0.64 against 0.57 for 1/1/0.3/0.4/0).
_COVER, _HEADING, _PRIOR, _POSITION = 2.0, 0.6, 0.8, 0.2
# units within 2 % of the best score are a tie, which retrieval breaks (0.99 and 0.97 gave
# fewer first sentences with a key fact, 0.95 fewer key facts)
_TIE = 0.98
# a sentence without what the question's kind asks for (may I, must I), and without what
# follows for a what-happens-if question: "Het overtreden van een huisverbod is strafbaar" before
# what counts as breaking it (0.8 for it too opened 4 fewer answers with a key fact; 0.5 lost a
# key fact)
_LACKS_KIND, _LACKS_CONSEQUENCE = 0.8, 0.6
# a sentence that points back to the one before ("Met deze werkwijze ..."), and one with the
# rules of a profession the question does not name ("Volgens de KNMG hebben artsen ...")
_LEANS, _OTHER_PROFESSION = 0.8, 0.5

NextPassage = Callable[[Passage], Passage | None]


@dataclass
class Composed:
    """An extractive answer in parts: text with [n] markers, quotes per n, pointers, tip."""

    text: str = ""
    quotes: dict[int, list[str]] = field(default_factory=dict)
    see_also: list[int] = field(default_factory=list)  # passage numbers (1-based)
    tip: str = ""


@dataclass
class Unit:
    """A sentence or a whole list (with its lead-in) taken from one passage."""

    passage: int
    position: int
    text: str
    score: float
    is_list: bool = False
    sense: float = 0.0
    fits: bool = True  # holds what the question's kind asks for (or the kind asks nothing)


Meaning = Callable[[str], float | None]
SameMeaning = Callable[[str, str], bool]
_MEANING_FLOOR, _MEANING_SPAN = 0.78, 0.12  # e5 cosines of unrelated / answering sentences


def _meaning(text: str, meaning: Meaning | None) -> float:
    """How well a unit answers by meaning (0..1), from its sentences' kept vectors."""
    if meaning is None:
        return 0.0
    scores = [meaning(s) for s in sentences_of(text)]
    best = max((s for s in scores if s is not None), default=None)
    return 0.0 if best is None else min(1.0, max(0.0, (best - _MEANING_FLOOR) / _MEANING_SPAN))


def _candidates(
    question: str,
    passages: list[Passage],
    lexical: LexicalIndex,
    reading: Reading | None,
    meaning: Meaning | None = None,
) -> list[Unit]:
    """Every unit of every passage, scored against the question."""
    wants_list = reading is not None and "list" in reading.kinds
    asked = professions_in(question)
    top = max((p.score for p in passages), default=0.0) or 1.0
    out: list[Unit] = []
    for rank, passage in enumerate(passages):
        heading_cover = lexical.coverage(question, passage.section + " " + passage.title)
        prior = _PRIOR * passage.score / top if meaning else 0.15 / (rank + 1)
        parts = units(body_of(passage), keep_lists=wants_list)
        for position, (text, is_list) in enumerate(parts):
            if text.startswith(NOT_CONTENT):
                continue
            cover = lexical.coverage(question, text)
            sense = _meaning(text, meaning)
            lead_in = position + 1 < len(parts) and parts[position + 1][1] and text.endswith(":")
            bonus = 0.25 if is_list and wants_list else 0.0
            fits = reading is None or answers_kind(text, reading.kinds) is not False
            score = (
                _COVER * cover
                + sense
                + _HEADING * heading_cover
                + prior
                + _POSITION / (position + 1)
                + bonus
                + (0.1 if lead_in else 0.0)
            )
            if reading is not None:
                score += _kind_bonus(text, passage, reading)
                if reading.fact and not has_fact(text, reading.fact):
                    score *= 0.3  # a number question is answered by a sentence with that number
                if not fits:
                    score *= _LACKS_CONSEQUENCE if "consequence" in reading.kinds else _LACKS_KIND
            if leans_back(text) and not lead_in:
                score *= _LEANS
            if is_aside(professions_in(text), asked):
                score *= _OTHER_PROFESSION
            relevant = cover > 0 or sense > 0.3 or is_list
            out.append(Unit(rank, position, text, score if relevant else 0.0, is_list, sense, fits))
    return out


def _kind_bonus(text: str, passage: Passage, reading: Reading) -> float:
    """What the kind of question asks of a sentence: the next step's section."""
    if reading.next_step and f"stap {reading.next_step}" in passage.section.lower():
        return 0.5
    return 0.0


def select(
    question: str,
    passages: list[Passage],
    lexical: LexicalIndex,
    max_units: int = 4,
) -> list[Unit]:
    """The units that cover the question best, in reading order (for citation quotes)."""
    candidates = _candidates(question, passages, lexical, None)
    best = sorted((c for c in candidates if c.score > 0), key=lambda u: u.score, reverse=True)
    chosen = [u for u in best[:max_units] if u.score >= 0.5 * best[0].score] if best else []
    return sorted(chosen, key=lambda u: (u.passage, u.position))


def _words(text: str) -> int:
    return len(text.split())


def _content(text: str, lexical: LexicalIndex) -> set[str]:
    return set(lexical.tokens(text))


def _novel(unit: Unit, said: list[set[str]], lexical: LexicalIndex) -> bool:
    """True when a unit says more than what is already in the answer (not a near-duplicate)."""
    terms = _content(unit.text, lexical)
    everything = set().union(*said)
    return (
        bool(terms)
        and all(len(terms & s) / len(terms | s) < 0.5 for s in said)
        and len(terms - everything) >= 2
    )


def _gist(unit: Unit) -> str:
    """What a unit says, for comparing meaning: a list by its lead-in line (which is indexed)."""
    return unit.text.splitlines()[0] if unit.is_list else unit.text


def _bare_list(unit: Unit) -> bool:
    """True for a list without a lead-in line of its own (the unit before it announces it)."""
    return unit.is_list and bool(LIST_LINE.match(unit.text))


def _direct(
    best: Unit,
    candidates: list[Unit],
    same: SameMeaning | None,
    limit: int,
    asked: AbstractSet[str],
) -> list[Unit]:
    """The best passage's answering units, the best first; a list brings its lead-in; none
    for a profession the question leaves out (asked: what it names)."""
    own = [c for c in candidates if c.passage == best.passage]
    by_position = {c.position: c for c in own}
    chosen = [best]
    for unit in sorted(own, key=lambda u: u.score, reverse=True):
        if len(chosen) >= limit or unit.score < _DIRECT_SHARE * best.score:
            break
        if unit is best or (unit.is_list and any(c.is_list for c in chosen)):
            continue
        if is_aside(professions_in(unit.text), asked):
            continue
        if same is None or not any(same(_gist(unit), _gist(c)) for c in chosen):
            chosen.append(unit)
    for unit in list(chosen):
        lead = by_position.get(unit.position - 1) if _bare_list(unit) else None
        if lead is not None and lead not in chosen:
            chosen.append(lead)
        items = by_position.get(unit.position + 1) if unit.text.endswith(":") else None
        if items is not None and items not in chosen:
            chosen.append(items)
    if same is not None:  # a sentence that says what a list's own lead-in says goes
        leads = [_gist(c) for c in chosen if c.is_list]
        kept = [u for u in chosen if u.is_list or not any(same(u.text, x) for x in leads)]
        chosen = kept or chosen
        best = best if best in chosen else chosen[0]
    rest = sorted((u for u in chosen if u is not best), key=lambda u: u.position)
    leads_in = [u for u in rest if u.position == best.position - 1 and _bare_list(best)]
    return _announced_lists_follow([*leads_in, best, *(u for u in rest if u not in leads_in)])


def _announced_lists_follow(units: list[Unit]) -> list[Unit]:
    """The units in order, each list right after the lead-in that announces it (a lead-in
    that answers first would otherwise be followed by the sentences before it)."""
    out: list[Unit] = []
    for unit in units:
        if any(u is unit for u in out):
            continue
        out.append(unit)
        if unit.text.endswith(":"):
            out += [u for u in units if u.is_list and u.position == unit.position + 1]
    return out


def _compared(
    best: Unit, candidates: list[Unit], sides: tuple[str, str], lexical: LexicalIndex
) -> tuple[list[Unit] | None, str]:
    """A comparison's answer: the best sentence about each side alone (one that opens with the
    side first), in the question's order, after the best one when that sentence is about the
    two sides only; None when a side has no sentence of its own. Also the side whose own
    words occur in no candidate, or ""."""
    terms = [set(lexical.tokens(side, question=True)) for side in sides]
    own = [terms[0] - terms[1], terms[1] - terms[0]]
    seen = {id(u): lexical.tokens(u.text) for u in candidates}  # each unit tokenised once
    missing = next((s for s, o in zip(sides, own, strict=True) if o and not _names(seen, o)), "")
    if not all(own):
        return None, missing

    def share(unit: Unit, side: int) -> float:
        return len(own[side] & set(seen[id(unit)])) / len(own[side])

    def opens_with(unit: Unit, side: int) -> bool:  # "Acute onveiligheid betekent ..."
        return bool(own[side] & set(seen[id(unit)][: len(own[side]) + 1]))

    picked: list[Unit] = []
    for side in (0, 1):
        about = [
            u
            for u in candidates
            if u.score > 0
            and not u.is_list
            and not u.text.endswith(":")
            and share(u, side) > share(u, 1 - side)
        ]
        if not about:
            return None, missing
        picked.append(max(about, key=lambda u: (opens_with(u, side), u.score)))
    words = set(seen[id(best)])  # "Het meldrecht is geen meldplicht." sets them apart
    compares = all(share(best, side) > 0 for side in (0, 1)) and (
        len(words & (terms[0] | terms[1])) >= _COMPARES * len(words)
    )
    if compares and not best.is_list:  # the best sentence can be one side's own sentence too
        picked = [best, *(u for u in picked if u is not best)]
    return picked, missing


def _names(seen: dict[int, list[str]], terms: set[str]) -> bool:
    """True when one of the units' tokens holds one of the terms."""
    return any(terms & set(tokens) for tokens in seen.values())


def _continued_list(unit: Unit, passage: Passage, next_passage: NextPassage) -> str:
    """A list that runs on into the next chunk of the same section, appended whole."""
    following = next_passage(passage)
    if following is None or following.section != passage.section:
        return unit.text
    items: list[str] = []
    for line in body_of(following).splitlines():
        if not LIST_LINE.match(line.strip()):
            break
        items.append(line.strip())
    return "\n".join([unit.text, *items]) if items else unit.text


def compose(
    question: str,
    reading: Reading,
    passages: list[Passage],
    lexical: LexicalIndex,
    next_passage: NextPassage,
    meaning: Meaning | None = None,
    same: SameMeaning | None = None,
) -> Composed:
    """The answer with [n] markers (n = passage number), its quotes, "Zie ook" and tip."""
    candidates = _candidates(question, passages, lexical, reading, meaning)
    ranked = sorted((c for c in candidates if c.score > 0), key=lambda u: u.score, reverse=True)
    if reading.fact:  # only a sentence that states the number, date or amount asked for
        ranked = [u for u in ranked if _states(u, reading.fact, question, passages, lexical)]
    if not ranked:
        return Composed()  # for a fact question: the sources do not hold it
    # units the scores cannot tell apart: one that holds what the kind of question asks for,
    # then the better-retrieved passage's, comes first
    tied = (u for u in ranked if u.score >= _TIE * ranked[0].score)
    best = min(tied, key=lambda u: (not u.fits, u.passage))
    years = years_in(question)
    if reading.fact and years and not years & years_in(best.text):
        return Composed()  # a count for 2024 is not answered by a figure for another year
    limit = _CASE_DIRECT if "case" in reading.kinds else _MAX_DIRECT
    compared, missing = (
        _compared(best, candidates, reading.sides, lexical) if reading.sides else (None, "")
    )
    asked = topics_in(question)
    direct = compared or _direct(best, candidates, same, limit, asked)
    for unit in direct:
        if unit.is_list:
            unit.text = _continued_list(unit, passages[unit.passage], next_passage)
    said = [_content(u.text, lexical) for u in direct]
    extra: list[Unit] = []
    words = sum(_words(u.text) for u in direct)
    for unit in ranked[1:]:
        if len(extra) >= _MAX_EXTRA or unit.score < _EXTRA_SHARE * best.score or reading.fact:
            break
        if unit.passage == best.passage or unit.is_list or words + _words(unit.text) > _MAX_WORDS:
            continue
        if unit.text.endswith(":"):  # a lead-in whose list would not come with it
            continue
        if is_aside(topics_in(unit.text), asked):
            continue
        repeats = same is not None and any(
            same(unit.text, line) for u in [*direct, *extra] for line in u.text.splitlines()
        )
        if _novel(unit, said, lexical) and not repeats:
            extra.append(unit)
            said.append(_content(unit.text, lexical))
            words += _words(unit.text)
    used = {u.passage for u in [*direct, *extra]}
    see_also = _see_also(passages, used, asked)
    quotes: dict[int, list[str]] = {}
    pieces: list[str] = []
    shown = [*direct, *extra]
    for i, unit in enumerate(shown):
        n = unit.passage + 1
        quotes.setdefault(n, []).append(unit.text)
        following = shown[i + 1] if i + 1 < len(shown) else None
        announces = (  # a lead-in and its list are cited once, after the list
            following is not None
            and following.is_list
            and following.passage == unit.passage
            and unit.text.endswith(":")
        )
        marker = "" if announces else f" [{n}]"
        if unit.is_list:
            pieces.append(f"\n{unit.text}{marker}\n")
        else:  # one list item among sentences reads as a sentence, without its bullet
            pieces.append(f"{LIST_LINE.sub('', unit.text, count=1)}{marker}")
    text = " ".join(pieces).replace(" \n", "\n").replace("\n ", "\n").strip()
    tip = messages.WEGWIJZER_TIP if "case" in reading.kinds else ""
    if missing:  # a comparison with a side the passages never name says so
        tip = messages.SIDE_NOT_FOUND.format(side=missing)
    return Composed(text, quotes, [i + 1 for i in see_also], tip)


def _states(
    unit: Unit, fact: str, question: str, passages: list[Passage], lexical: LexicalIndex
) -> bool:
    """True when a unit holds a fact of the kind asked for and is about the question: by
    meaning, or by the question's words in it and its heading."""
    if not has_fact(unit.text, fact):
        return False
    heading = passages[unit.passage].section
    return unit.sense >= _FACT_SENSE or lexical.coverage(question, f"{heading} {unit.text}") >= 0.3


def _see_also(passages: list[Passage], used: set[int], asked: AbstractSet[str]) -> list[int]:
    """Other relevant passages (close to the best in retrieval score), one per section, none
    about a form of violence or a profession the question does not name."""
    seen = {(passages[i].doc_id, passages[i].section) for i in used}
    top = max((p.score for p in passages), default=0.0)
    out: list[int] = []
    for i, passage in enumerate(passages[:4]):
        key = (passage.doc_id, passage.section)
        close = passage.score >= 0.75 * top
        if i in used or key in seen or not close or len(out) >= _MAX_SEE_ALSO:
            continue
        if is_aside(topics_in(passage.section), asked):
            continue
        seen.add(key)
        out.append(i)
    return out
