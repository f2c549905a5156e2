"""Dutch sentence splitting with pysbd: abbreviations (art., o.a., t.a.v., dhr.) end no sentence."""

import functools
import threading
from typing import ClassVar

import pysbd
from pysbd.lang.dutch import Dutch

_local = threading.local()
_BEFORE_CAPITALS = ["bijv", "bv", "dhr", "mevr", "mw", "vgl", "zgn"]  # bijv. Veilig Thuis


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


@functools.lru_cache(maxsize=8192)
def _split(text: str) -> tuple[str, ...]:
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
