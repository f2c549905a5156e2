"""Plain-text rendering of answers and citations, for the CLI and the OpenAI-compatible API."""

from assistant.answer import Answer, Citation
from assistant.messages import SEE_ALSO


def plain(answer: Answer) -> str:
    """All parts as plain text in reading order: alert, answer, "Zie ook", tip."""
    pointers = "; ".join(
        f"{p.title}{f' — {p.section}' if p.section else ''} [{p.n}]" for p in answer.see_also
    )
    see_also = f"{SEE_ALSO}: {pointers}" if pointers else ""
    return "\n\n".join(x for x in (answer.alert, answer.text, see_also, answer.tip) if x)


def where(c: Citation) -> str:
    """Section and page of a citation, e.g. 'Stap 3 — p. 4'."""
    return ", ".join(x for x in (c.section, f"p. {c.page}" if c.page else "") if x)


def footnote(c: Citation) -> str:
    """One citation as '[n] Title (samenvatting) — section, p. x' plus its link."""
    kind = " (samenvatting)" if c.kind == "samenvatting" else ""
    place = where(c)
    return (
        f"[{c.n}] {c.title}{kind}"
        + (f" — {place}" if place else "")
        + (f"\n    {c.url}" if c.url else "")
    )


def footnotes(answer: Answer) -> str:
    """All citations of an answer, one footnote each."""
    return "\n".join(footnote(c) for c in answer.citations)


def with_footnotes(answer: Answer) -> str:
    """The answer as plain text followed by a 'Bronnen:' block when it has citations."""
    if not answer.citations:
        return plain(answer)
    return f"{plain(answer)}\n\nBronnen:\n{footnotes(answer)}"
