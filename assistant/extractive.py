"""Extractive answers: the source sentences that answer best, each marked with its [n]."""

import re
from dataclasses import dataclass

from assistant.answer import Passage
from assistant.lexical import LexicalIndex

_LIST_LINE = re.compile(r"^\s*(?:[-*•▪]|\d{1,2}[.)])\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"“(])")
_LIST_INTENT = re.compile(
    r"\b(stappen|fasen|fases|principes|basisprincipes|kerntaken|uitgangspunten|onderdelen|"
    r"lijst|noem|opsomming|momenten|pijlers|afwegingen|vormen|taken|lijnen|welke\s+\w+\s+zijn|"
    r"wat\s+zijn\s+de|basisstructuur|bestaat\s+uit|waaruit)\b",
    re.IGNORECASE,
)

_REFERS_BACK = re.compile(
    r"^(Het\s+betreft|Dit\s+(?:betekent|houdt|zijn|is)|Deze\s|Dat\s+(?:betekent|wil)|Daarbij|"
    r"Hierbij|Concreet|Hieronder|Zij\s|Ze\s)"
)
_NOT_CONTENT = ("Bronnen:", "Documenten:", "Niveau:")


@dataclass
class Unit:
    """A sentence or a whole list (with its lead-in) taken from one passage."""

    passage: int
    position: int
    text: str
    score: float


def body_of(passage: Passage) -> str:
    """Passage text without its heading line."""
    text = passage.text
    first, sep, rest = text.partition("\n\n")
    heading_line = passage.section or passage.title
    return rest if sep and heading_line and first.strip() == heading_line.strip() else text


def _units(body: str, keep_lists: bool) -> list[tuple[str, bool]]:
    """Split a passage body into sentences; with keep_lists a list stays one unit; a sentence
    ending in ':' or followed by one that refers back ('Het betreft ...') is joined to it."""
    joined: list[tuple[str, bool]] = []
    for text, is_list in _raw_units(body, keep_lists):
        if (
            joined
            and not is_list
            and not joined[-1][1]
            and (joined[-1][0].endswith(":") or _REFERS_BACK.match(text))
        ):
            joined[-1] = (f"{joined[-1][0]} {text}", False)
        else:
            joined.append((text, is_list))
    return joined


def _raw_units(body: str, keep_lists: bool) -> list[tuple[str, bool]]:
    units: list[tuple[str, bool]] = []
    for para in body.split("\n\n"):
        lines = [ln.strip() for ln in para.splitlines() if ln.strip()]
        items = [ln for ln in lines if _LIST_LINE.match(ln)]
        if keep_lists and len(items) >= 2:
            units.append(("\n".join(lines), True))
            continue
        for line in lines:
            if _LIST_LINE.match(line):
                units.append((line, False))
            else:
                units.extend((s.strip(), False) for s in _SENTENCE_END.split(line) if s.strip())
    return units


def select(
    question: str,
    passages: list[Passage],
    lexical: LexicalIndex,
    max_units: int = 4,
) -> list[Unit]:
    """Pick the units that cover the question best, in a readable order."""
    wants_list = bool(_LIST_INTENT.search(question))
    candidates: list[Unit] = []
    for rank, passage in enumerate(passages):
        heading_cover = lexical.coverage(question, passage.section + " " + passage.title)
        prior = 0.15 / (rank + 1)
        units = _units(body_of(passage), keep_lists=wants_list)
        for position, (text, is_list) in enumerate(units):
            if text.startswith(_NOT_CONTENT):
                continue
            cover = lexical.coverage(question, text)
            lead_in = position + 1 < len(units) and units[position + 1][1] and text.endswith(":")
            bonus = 0.25 if is_list and wants_list else 0.0
            score = cover + 0.3 * heading_cover + prior + bonus + (0.1 if lead_in else 0.0)
            candidates.append(Unit(rank, position, text, score if cover > 0 or is_list else 0.0))
    if not any(c.score > 0 for c in candidates):
        return []
    best = sorted(candidates, key=lambda u: u.score, reverse=True)
    chosen = [best[0]]
    for unit in best[1:]:
        if len(chosen) >= max_units or unit.score < 0.5 * best[0].score:
            break
        if "\n" in unit.text and any("\n" in c.text for c in chosen):
            continue
        chosen.append(unit)
    chosen = _with_lead_in(chosen, candidates)
    return sorted(chosen, key=lambda u: (u.passage, u.position))


def _with_lead_in(chosen: list[Unit], candidates: list[Unit]) -> list[Unit]:
    """A chosen list brings the sentence that introduces it; a lead-in ending in ':' brings
    what it introduces."""
    by_place = {(c.passage, c.position): c for c in candidates}
    out = list(chosen)
    for unit in chosen:
        if "\n" in unit.text:
            neighbour = by_place.get((unit.passage, unit.position - 1))
        elif unit.text.endswith(":"):
            neighbour = by_place.get((unit.passage, unit.position + 1))
        else:
            continue
        if neighbour is not None and neighbour not in out:
            out.append(neighbour)
    return out


def compose(units: list[Unit]) -> tuple[str, dict[int, list[str]]]:
    """Render units with [n] markers (n = passage number); returns text and n → quotes."""
    quotes: dict[int, list[str]] = {}
    pieces: list[str] = []
    for unit in units:
        n = unit.passage + 1
        quotes.setdefault(n, []).append(unit.text)
        pieces.append(f"\n{unit.text} [{n}]\n" if "\n" in unit.text else f"{unit.text} [{n}]")
    text = " ".join(pieces).replace(" \n", "\n").replace("\n ", "\n").strip()
    return text, quotes
