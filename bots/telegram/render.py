"""Answers, wegwijzer screens and source lists as Telegram HTML, split under the size limit."""

import re
from collections.abc import Sequence
from html import escape
from typing import Any

from assistant import messages, sentences
from assistant.answer import Answer, Citation, Passage
from assistant.formatting import where
from assistant.wegwijzer.spec import NodeView
from bots.telegram import texts

LIMIT = 4096


def link(title: str, url: str) -> str:
    """The escaped title, linked when the url is a web address."""
    if url.startswith(("https://", "http://")):
        return f'<a href="{escape(url, quote=True)}">{escape(title)}</a>'
    return escape(title)


def citation_line(c: Citation) -> str:
    """'[n] Title (samenvatting) — section, p. x' with the title linked."""
    kind = " <i>(samenvatting)</i>" if c.kind == "samenvatting" else ""
    place = where(c)
    return f"[{c.n}] {link(c.title, c.url)}{kind}" + (f" — {escape(place)}" if place else "")


def _fit(raw: str, limit: int) -> list[str]:
    """Raw text cut at sentence ends (else spaces, else anywhere) so each escaped piece fits."""
    if len(escape(raw)) <= limit:
        return [raw]
    pieces: list[str] = []
    current = ""
    for unit in _units(raw, limit):
        joined = f"{current} {unit}" if current else unit
        if len(escape(joined)) <= limit:
            current = joined
        else:
            pieces.append(current)
            current = unit
    return [*pieces, current] if current else pieces


def _units(raw: str, limit: int) -> list[str]:
    """Sentences, or words, or fixed slices: units whose escaped form fits the limit."""
    units: list[str] = []
    for sentence in sentences.split(raw):
        if len(escape(sentence)) <= limit:
            units.append(sentence)
            continue
        for word in sentence.split():
            step = max(1, limit // 6)  # '&quot;' is the longest escape: 6 characters
            units += [word[i : i + step] for i in range(0, len(word), step)]
    return units


def split(blocks: Sequence[str], limit: int = LIMIT, sep: str = "\n\n") -> list[str]:
    """Join HTML blocks with sep into as few messages as fit under limit, in order."""
    parts: list[str] = []
    current = ""
    for block in blocks:
        joined = f"{current}{sep}{block}" if current else block
        if len(joined) <= limit:
            current = joined
            continue
        if current:
            parts.append(current)
        current = block
    return [*parts, current] if current else parts


def see_also_line(answer: Answer) -> str:
    """'Zie ook: title — section [n]; …' in italics, or empty."""
    pointers = "; ".join(
        escape(p.title) + (f" — {escape(p.section)}" if p.section else "") + f" [{p.n}]"
        for p in answer.see_also
    )
    return f"<i>{messages.SEE_ALSO}:</i> {pointers}" if pointers else ""


def answer_parts(answer: Answer, limit: int = LIMIT, *, acute_sent: bool = False) -> list[str]:
    """An answer as HTML messages: alert first, text by paragraph, "Zie ook", tip, citations."""
    blocks: list[str] = [texts.ACUTE] if answer.alert and not acute_sent else []
    for paragraph in re.split(r"\n\s*\n", answer.text):
        if paragraph.strip():
            blocks += [escape(piece) for piece in _fit(paragraph.strip(), limit)]
    if see_also := see_also_line(answer):
        blocks.append(see_also)
    if answer.tip:
        blocks.append(f"<i>{escape(answer.tip)}</i>")
    parts = split(blocks, limit)
    if answer.citations:
        lines = [texts.CITATIONS_HEADER, *(citation_line(c) for c in answer.citations)]
        footer = "\n".join(lines)
        if parts and len(parts[-1]) + 2 + len(footer) <= limit:
            parts[-1] = f"{parts[-1]}\n\n{footer}"
        else:
            parts += split(lines, limit, sep="\n")
    return parts or [escape(messages.NOT_FOUND)]


def _page_order(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"\d+", page)]


def node_html(view: NodeView, passages: Sequence[Passage]) -> str:
    """One wegwijzer screen: step, text, notes, cited passages (with page and link), acute line."""
    lines = [f"<b>{escape(view.step)} · {escape(view.title)}</b>", "", escape(view.text)]
    lines += [f"\n<i>Let op: {escape(note)}</i>" for note in view.notes]
    lines += ["", texts.CITATIONS_HEADER]
    for ref in view.sources:
        found = [p for p in passages if p.doc_id == ref.doc_id and p.section == ref.section]
        pages = sorted({p.page for p in found if p.page}, key=_page_order)
        url = found[0].url if found else ""
        place = escape(ref.section) + (f", p. {', '.join(pages)}" if pages else "")
        lines.append(f"• {link(ref.title, url)} — {place}")
    lines += ["", f"🚨 <b>{escape(view.acute)}</b>"]
    if not view.end:
        lines += ["", f"<i>{texts.WALK_HINT}</i>"]
    return "\n".join(lines)


def sources_parts(documents: Sequence[dict[str, Any]], limit: int = LIMIT) -> list[str]:
    """The indexed documents as a linked list (publisher, date, kind)."""
    if not documents:
        return [texts.NO_SOURCES]
    lines = []
    for d in documents:
        details = ", ".join(str(d[k]) for k in ("publisher", "date") if d.get(k))
        kind = " <i>(samenvatting)</i>" if d.get("kind") == "samenvatting" else ""
        lines.append(
            f"• {link(str(d['title'] or d['doc_id']), str(d.get('url', '')))}{kind}"
            + (f" — {escape(details)}" if details else "")
        )
    return split([texts.SOURCES_HEADER, *lines], limit, sep="\n")
