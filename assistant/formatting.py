"""Plain-text rendering of citations, shared by the CLI and the OpenAI-compatible endpoint."""

from assistant.answer import Answer, Citation


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
    """The answer text followed by a 'Bronnen:' block when it has citations."""
    if not answer.citations:
        return answer.text
    return f"{answer.text}\n\nBronnen:\n{footnotes(answer)}"
