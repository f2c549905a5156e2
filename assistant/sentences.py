"""Dutch sentence splitting with pysbd: abbreviations (art., o.a., t.a.v., dhr.) end no sentence.

pysbd tries each of its 1,656 Dutch abbreviations on a text (15-30 ms a passage). Text in which no
full stop could be anything but a sentence end is split by a plain pattern instead, with the same
result (checked on every paragraph of the bundled corpus by the tests)."""

import functools
import re
import threading
from typing import ClassVar

import pysbd
from pysbd.lang.dutch import Dutch

_local = threading.local()
_BEFORE_CAPITALS = ["bijv", "bv", "dhr", "mevr", "mw", "vgl", "zgn"]  # bijv. Veilig Thuis
_END = re.compile(r"(?<=[.!?])\s+")
_QUOTE = re.compile(r"[\"“”‘’']")
_WORD_END = re.compile(r"([A-Za-zÀ-ÿ]{2,})[.!?]\s+(?=[A-ZÀ-Þ])")
_DOTTED_WORD = re.compile(r"(\S+)\.(?=\s|$)")
# what only pysbd reads right
_UNCLEAR = re.compile(
    "|".join(
        [
            r"[.!?]\s+[a-zà-ÿ]",  # an end mark before a small letter
            r"(?:^|\s)[.!?]",  # an end mark after no word
            r"\.\.\.|…",  # ellipses
            r"[\"“”‘’]",  # quotation marks
            r"[.!?][)\]]|[.!?]\s+\S*[)\]]",  # a bracket closed after an end mark
            r"(?:^\s*|[.!?:]\s+)[(\[]",  # a bracket opened at a sentence's start
        ]
    ),
    re.MULTILINE,
)


class _Dutch(Dutch):  # type: ignore[misc]  # pysbd has no type hints
    """pysbd's Dutch, plus titles and 'bijv.' that may be followed by a capital (dhr. Jansen)."""

    class Abbreviation(Dutch.Abbreviation):  # type: ignore[misc]
        ABBREVIATIONS: ClassVar[list[str]] = [*Dutch.Abbreviation.ABBREVIATIONS, "mevr", "mw"]
        PREPOSITIVE_ABBREVIATIONS: ClassVar[list[str]] = _BEFORE_CAPITALS


def _segmenter() -> pysbd.Segmenter:
    """This thread's Segmenter: it keeps the text it works on, so threads cannot share one."""
    segmenter: pysbd.Segmenter | None = getattr(_local, "segmenter", None)
    if segmenter is None:
        segmenter = pysbd.Segmenter(language="nl", clean=False)
        segmenter.language_module = _Dutch
        _local.segmenter = segmenter
    return segmenter


@functools.cache
def _abbreviations() -> frozenset[str]:
    return frozenset(a.lower() for a in _Dutch.Abbreviation.ABBREVIATIONS) | set(_BEFORE_CAPITALS)


def plain(text: str) -> bool:
    """True when every full stop in text ends a sentence: no abbreviation, initial or number."""
    if _UNCLEAR.search(text):
        return False
    for match in _DOTTED_WORD.finditer(text):
        word = match.group(1).lower().lstrip("(\"“'")
        if len(word) <= 1 or "." in word or word in _abbreviations() or word[-1].isdigit():
            return False
    return True


def _plain_split(text: str) -> tuple[str, ...]:
    """Lines, then sentences at every end mark (for text that passes `plain`)."""
    return tuple(p.strip() for line in text.split("\n") for p in _END.split(line) if p.strip())


def _pieces(text: str) -> list[str]:
    """text cut where a sentence certainly ends: a plain word (not an abbreviation) and an end
    mark, then a capital; pysbd then only reads the pieces that need it."""
    pieces, start = [], 0
    for match in _WORD_END.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        read = text[: match.start()]
        outside = read.count("(") == read.count(")") and read.count("[") == read.count("]")
        if (
            before.isspace()
            and outside
            and not _QUOTE.search(read)
            and match.group(1).lower() not in _abbreviations()
        ):
            pieces.append(text[start : match.end()])
            start = match.end()
    return [*pieces, text[start:]]


# a list number inside running text ("... hoge uitzondering. 2. Rechtsbeschermend ..."): pysbd
# reads it as a list item from the numbers around it, so such a text is not cut into pieces
_INLINE_NUMBER = re.compile(r"\S\s+\d{1,2}\.\s")


@functools.lru_cache(maxsize=8192)
def _split(text: str) -> tuple[str, ...]:
    if plain(text):
        return _plain_split(text)
    if _INLINE_NUMBER.search(text):
        return _pysbd_split(text)
    return tuple(s for piece in _pieces(text) for s in _piece_split(piece))


def _piece_split(piece: str) -> tuple[str, ...]:
    return _plain_split(piece) if plain(piece) else _pysbd_split(piece)


def _pysbd_split(text: str) -> tuple[str, ...]:
    pieces: list[str] = []
    for segment in _segmenter().segment(text):
        if pieces and not pieces[-1][-1].isspace():
            pieces[-1] += segment  # no space after '?' or '!': a URL or 'Stop Femicide!:'
        else:
            pieces.append(segment)
    return tuple(p.strip() for p in pieces if p.strip())


def split(text: str) -> list[str]:
    """The sentences of text, stripped (cached: passages come back for many questions)."""
    return list(_split(text))
