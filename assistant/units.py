"""Passage text as answer units: the heading line stripped, sentences, lists kept whole."""

import re

from assistant import sentences
from assistant.answer import Passage

# A list item in passage or answer text (the loaders' bullets of every kind, kept as written).
LIST_LINE = re.compile(r"^\s*(?:[-*•▪◦✔✓✗–—·→►]|\d{1,2}[.)]|[a-z][.)])\s+")
_REFERS_BACK = re.compile(
    r"^(Het\s+betreft|Het\s+gaat\s+(?:\w+\s+){0,3}?om\b|Dit\s+(?:betekent|houdt|zijn|is)|Deze\s|"
    r"Dat\s+(?:betekent|wil)|Daarbij|Hierbij|Concreet|Hieronder|Zij\s|Ze\s)"
)
NOT_CONTENT = (  # references, metadata lines and a letter's closing: never an answer
    "Bronnen:",
    "Documenten:",
    "Niveau:",
    "Dit document is een samenvatting",
    "Hoogachtend",
    "Met vriendelijke groet",
    "Namens dezen",
)


def body_of(passage: Passage) -> str:
    """Passage text without its heading line."""
    return strip_heading(passage.text, passage.section or passage.title)


def strip_heading(text: str, heading: str) -> str:
    """A chunk's text without the heading line the chunker put first."""
    first, sep, rest = text.partition("\n\n")
    return rest if sep and heading and first.strip() == heading.strip() else text


def sentences_of(body: str) -> list[str]:
    """The sentences and list items an answer can quote from a passage body."""
    units = _raw_units(body, keep_lists=False, announced=False)
    return [t for t, _ in units if not t.startswith(NOT_CONTENT)]


def units(body: str, keep_lists: bool) -> list[tuple[str, bool]]:
    """Split a passage body into sentences; with keep_lists (or after a lead-in ending in ':') a
    list stays one unit; a sentence ending in ':' or followed by one that refers back ('Het
    betreft ...') is joined to it."""
    joined: list[tuple[str, bool]] = []
    for text, is_list in _raw_units(body, keep_lists, announced=True):
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


def _raw_units(body: str, keep_lists: bool, announced: bool) -> list[tuple[str, bool]]:
    """Sentences and list items; a list whole with keep_lists, or (announced) after a line that
    ends in ':' ("... twee beslissingen:"), so that an answer never cuts it after one item."""
    units: list[tuple[str, bool]] = []
    for para in body.split("\n\n"):
        lines = [ln.strip() for ln in para.splitlines() if ln.strip()]
        items = [ln for ln in lines if LIST_LINE.match(ln)]
        listed = len(items) >= 2
        if listed and lines[-len(items) :] == items:  # the paragraph ends in its list
            head = lines[: len(lines) - len(items)]
            lead = head[-1] if head else (units[-1][0] if units else "")
            if keep_lists and head:  # the list carries the last sentence of its lead-in line
                *before, lead = sentences.split(head[-1])
                units += [*_sentences(head[:-1]), *((s, False) for s in before)]
                units.append(("\n".join([lead, *items]), True))
                continue
            if keep_lists or (announced and lead.endswith(":")):
                units += [*_sentences(head), ("\n".join(items), True)]
                continue
        elif listed and keep_lists:  # list items and text interleaved: kept as one unit
            units.append(("\n".join(lines), True))
            continue
        units.extend(_sentences(lines))
    return units


def _sentences(lines: list[str]) -> list[tuple[str, bool]]:
    """Each list item, and the sentences of every other line."""
    units: list[tuple[str, bool]] = []
    for line in lines:
        if LIST_LINE.match(line):
            units.append((line, False))
        else:
            units.extend((s, False) for s in sentences.split(line))
    return units
