"""Cutting model text into sentences and list lines while it is still streaming in.

Passages are split with `assistant.sentences.split` (pysbd); model text is cut here because a
streamed sentence must be recognised as finished before the rest of the text exists, and the
whole reply (`ask`) must be cut exactly as the streamed one (`astream`).
"""

import re

_MARKERS = r"(?:\s*\[\d+(?:\s*[,;]\s*\d+)*\])*"
_END = re.compile(r"[.!?…]" + _MARKERS)
_ABBREVIATIONS = {
    "art", "nr", "bijv", "bv", "o.a", "m.b.t", "i.v.m", "z.s.m", "zgn", "dhr", "mevr", "ca",
    "e.d", "enz", "etc", "jl", "t.a.v", "i.p.v", "m.n", "resp", "vgl", "zie", "d.w.z", "o.b.v",
}  # fmt: skip
_LIST_NUMBER = re.compile(r"(?:^|\n)[ \t]*\d{1,2}$")


def _starts_sentence(char: str) -> bool:
    return char.isupper() or char.isdigit() or char in "(\"“'*-•"


def _is_end(text: str, match: re.Match[str]) -> bool | None:
    """True at a sentence end, False where not, None when the text that decides is still coming."""
    rest = text[match.end() :]
    stripped = rest.lstrip(" \t")
    if not stripped:
        return None
    if stripped[0] == "\n" or (rest[0] in " \t" and _starts_sentence(stripped[0])):
        word = re.search(r"([\w.]+)$", text[: match.start()])
        if text[match.start()] == "." and word:
            if word.group(1).lower() in _ABBREVIATIONS:
                return False
            if _LIST_NUMBER.search(text[: match.start()]):
                return False
        return True
    if stripped[0] == "[" and len(stripped) < 16 and "]" not in stripped:
        return None  # a marker may still be arriving: "Zin. [1"
    return False


def cut(text: str, final: bool) -> tuple[list[str], str]:
    """Complete units (each with the whitespace before it) and the unfinished rest."""
    units: list[str] = []
    start = 0
    position = 0
    while position < len(text):
        newline = text.find("\n", position)
        end = _END.search(text, position)
        if newline != -1 and (end is None or newline <= end.start()):
            if text[start:newline].strip():
                units.append(text[start:newline])
                start = newline
            position = newline + 1
            continue
        if end is None:
            break
        decided = _is_end(text, end)
        if decided is None and not final:
            break
        if decided:
            units.append(text[start : end.end()])
            start = end.end()
        position = end.end()
    rest = text[start:]
    if final:
        return [*units, rest] if rest.strip() else units, ""
    return units, rest


def model_sentences(text: str) -> list[str]:
    """The sentences and list lines of a finished reply, stripped (as SentenceBuffer cuts them)."""
    units, _ = cut(text, final=True)
    return [u.strip() for u in units]


class SentenceBuffer:
    """Collects streamed text and hands out each sentence once it is complete."""

    def __init__(self) -> None:
        self.pending = ""

    def feed(self, piece: str) -> list[str]:
        """Sentences completed by this piece (each with the whitespace before it)."""
        units, self.pending = cut(self.pending + piece, final=False)
        return units

    def flush(self) -> list[str]:
        """The last sentence(s) at the end of the stream."""
        units, self.pending = cut(self.pending, final=True)
        return units
