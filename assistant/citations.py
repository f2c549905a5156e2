"""Citation markers: find them, drop those that point nowhere, stream-safe filtering."""

import re

_MARKER = re.compile(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]")


def validate(text: str, n_passages: int) -> tuple[str, list[int]]:
    """Remove markers that do not refer to a passage 1..n; return text and cited numbers."""
    cited: list[int] = []

    def keep(match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,;]\s*", match.group(1))]
        valid = [n for n in numbers if 1 <= n <= n_passages]
        for n in valid:
            if n not in cited:
                cited.append(n)
        return "".join(f"[{n}]" for n in valid)

    cleaned = _MARKER.sub(keep, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", cleaned)
    return re.sub(r"[ \t]{2,}", " ", cleaned).strip(), cited


class StreamFilter:
    """Removes invalid markers from streamed text, holding back an unfinished '[...'."""

    def __init__(self, n_passages: int) -> None:
        self.n_passages = n_passages
        self.pending = ""

    def feed(self, piece: str) -> str:
        """Text that is safe to emit now."""
        self.pending += piece
        cut = self.pending.rfind("[")
        if cut != -1 and "]" not in self.pending[cut:] and len(self.pending) - cut < 16:
            ready, self.pending = self.pending[:cut], self.pending[cut:]
        else:
            ready, self.pending = self.pending, ""
        return _MARKER.sub(lambda m: self._keep(m), ready)

    def flush(self) -> str:
        """Whatever is left at the end of the stream."""
        rest, self.pending = self.pending, ""
        return _MARKER.sub(lambda m: self._keep(m), rest)

    def _keep(self, match: re.Match[str]) -> str:
        numbers = [int(x) for x in re.split(r"\s*[,;]\s*", match.group(1))]
        return "".join(f"[{n}]" for n in numbers if 1 <= n <= self.n_passages)
