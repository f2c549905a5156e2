"""PDF loading with pypdf: headings from type size and weight, else from the shape of the text."""

import math
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import DocumentError
from ingestion.blocks import Block, LoadedDocument
from ingestion.loaders import (
    _FURNITURE,
    _LIST_ITEM,
    _looks_like_heading,
    _paragraph,
    text_to_blocks,
)

_HYPHEN_BREAK = re.compile(r"(\w)-\n(\w)")
_BOLD_FONT = re.compile(r"bold|black|heavy|,b", re.IGNORECASE)
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*(?:(?:pagina|page|blz\.?|p\.)\s*\d+|\d{1,3})(?:\s*(?:van|of|/)\s*\d+)?[-–—\s]*$",
    re.IGNORECASE,
)
# "2.1 Aanpak" is a numbered section title, not a list item.
_SECTION_NUMBER = re.compile(r"^\d{1,2}(?:\.\d{1,2})+\.?\s+\S")
_SIZE_STEP = 1.15  # a line this much larger than the body text is a heading
_MAX_HEADING_WORDS = 20
_SENTENCE_END = ".:?!"

Style = tuple[float, bool]


@dataclass(frozen=True)
class _Line:
    """One extracted line with the size (pt) and weight most of its characters are set in."""

    text: str
    size: float = 0.0
    bold: bool = False


def _scale(cm: list[float], tm: list[float]) -> float:
    """How much the text matrix and the current matrix enlarge the font vertically."""
    x = tm[2] * cm[0] + tm[3] * cm[2]
    y = tm[2] * cm[1] + tm[3] * cm[3]
    return math.hypot(x, y)


def _is_bold(font: Any) -> bool:
    """Whether a pypdf font dictionary names a bold, black or heavy face."""
    name = str(font.get("/BaseFont", "")) if hasattr(font, "get") else ""
    return bool(_BOLD_FONT.search(name))


def _page_lines(page: Any) -> list[_Line]:
    """Extract a page's lines, each with the effective font size and weight of most characters."""
    lines: list[_Line] = []
    parts: list[str] = []
    sizes: Counter[float] = Counter()
    weights: Counter[bool] = Counter()

    def end_line() -> None:
        size = sizes.most_common(1)[0][0] if sizes else 0.0
        lines.append(_Line("".join(parts), size, weights[True] > weights[False]))
        parts.clear()
        sizes.clear()
        weights.clear()

    def visit(text: Any, cm: Any, tm: Any, font: Any, font_size: Any) -> None:
        if not isinstance(text, str) or not text:
            return
        size = round(float(font_size) * _scale(cm, tm), 1)
        bold = _is_bold(font)
        for i, piece in enumerate(text.split("\n")):
            if i:
                end_line()
            parts.append(piece)
            chars = len(piece.replace(" ", ""))
            if chars:
                sizes[size] += chars
                weights[bold] += chars

    page.extract_text(visitor_text=visit)
    end_line()
    return lines


def _strip_repeated_lines(pages: list[list[_Line]]) -> list[list[_Line]]:
    """Drop page numbers and header/footer lines that recur on most pages."""

    def key(text: str) -> str:
        text = text.strip().lower()
        return re.sub(r"\d+", "#", text) if len(pages) >= 3 else text

    edge_counts: Counter[str] = Counter()
    for page in pages:
        texts = [ln.text for ln in page if ln.text.strip()]
        edge_counts.update({key(t) for t in texts[:2] + texts[-2:]})
    needed = 2 if len(pages) == 2 else max(3, len(pages) // 2 + 1)
    repeated = {k for k, n in edge_counts.items() if n >= needed}
    cleaned = []
    for page in pages:
        nonblank = [i for i, ln in enumerate(page) if ln.text.strip()]
        edges = set(nonblank[:2] + nonblank[-2:])
        cleaned.append(
            [
                ln
                for i, ln in enumerate(page)
                if not (i in edges and (key(ln.text) in repeated or _PAGE_NUMBER.match(ln.text)))
            ]
        )
    return cleaned


def _pdf_page_to_paragraphs(text: str) -> str:
    """Join PDF lines into paragraphs: a short line ending a sentence closes a paragraph."""
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    lines = [ln.rstrip() for ln in text.splitlines()]
    width = max((len(ln) for ln in lines), default=0)
    out: list[str] = []
    for line in lines:
        out.append(line)
        stripped = line.strip()
        if stripped and (
            (stripped[-1] in _SENTENCE_END and len(stripped) < 0.8 * width)
            or _looks_like_heading(line)
        ):
            out.append("")
    return "\n".join(out)


def _join(text: str, line: str) -> str:
    """Append a line to running text, repairing a word hyphenated at the line end."""
    if re.search(r"\w-$", text) and re.match(r"\w", line):
        # "kinder-|mishandeling" was split by the layout; "Noordoost-|Brabant" keeps its hyphen.
        return text[:-1] + line if line[0].islower() else text + line
    return f"{text} {line}"


def _heading_style(line: _Line, body: float) -> Style | None:
    """The style that makes a line a heading: clearly larger type, or short and bold."""
    text = line.text.strip()
    if not text or _FURNITURE.match(text):
        return None
    if line.size >= _SIZE_STEP * body and len(text.split()) <= _MAX_HEADING_WORDS:
        return (round(line.size * 2) / 2, line.bold)
    short = _looks_like_heading(text) or (
        bool(_SECTION_NUMBER.match(text)) and text[-1] not in ".,;:" and len(text.split()) <= 12
    )
    if line.bold and short and line.size >= body - 0.5:
        return (round(line.size * 2) / 2, True)
    return None


def _body_sizes(pages: list[list[_Line]]) -> list[float]:
    """The most common size per page by characters; the document's on pages with little text."""
    per_page: list[Counter[float]] = []
    for page in pages:
        counts: Counter[float] = Counter()
        for line in page:
            if line.size:
                counts[line.size] += len(line.text.replace(" ", ""))
        per_page.append(counts)
    document = sum(per_page, Counter[float]())
    fallback = document.most_common(1)[0][0] if document else 0.0
    return [
        c.most_common(1)[0][0] if c and c.most_common(1)[0][1] >= 200 else fallback
        for c in per_page
    ]


def _styled_blocks(pages: list[list[_Line]]) -> list[Block] | None:
    """Blocks with headings taken from the type; None when no line is set apart as a heading."""
    bodies = _body_sizes(pages)
    flat = [
        (number, line, _heading_style(line, bodies[number - 1]))
        for number, page in enumerate(pages, start=1)
        for line in page
        if not _FURNITURE.match(line.text.strip())
    ]
    if not any(style for _, _, style in flat):
        return None
    widths: Counter[int] = Counter()
    for number, line, style in flat:
        widths[number] = max(widths[number], len(line.text.strip()) if style is None else 0)
    blocks: list[Block] = []
    styles: dict[int, Style | None] = {}  # heading block index -> its style (None: by shape)
    para: list[str] = []
    para_page = 0

    def close() -> None:
        if para:
            blocks.append(_paragraph(" ".join(para), para_page))
            para.clear()

    def starts_new_text(i: int) -> bool:
        later = next(((ln, st) for _, ln, st in flat[i + 1 :] if ln.text.strip()), None)
        if later is None or later[1] is not None:
            return False
        text = later[0].text.strip()
        return text[0].isupper() or text[0].isdigit() or bool(_LIST_ITEM.match(text))

    for i, (number, line, style) in enumerate(flat):
        text = " ".join(line.text.split())
        if style is not None or not text:
            close()
        last = blocks[-1] if blocks else None
        if not text:
            continue
        if style is not None:
            if (
                last is not None
                and styles.get(len(blocks) - 1, ()) == style
                and last.page == number
                and line.size >= _SIZE_STEP * bodies[number - 1]
            ):  # a large heading set over two lines; a long run of large type is text
                merged = _join(last.text, text)
                long = len(merged.split()) > _MAX_HEADING_WORDS
                blocks[-1] = Block("paragraph" if long else "heading", merged, 0, number)
            else:
                styles[len(blocks)] = style
                blocks.append(Block("heading", text, 0, number))
        elif _LIST_ITEM.match(text):
            close()
            blocks.append(Block("list_item", text, 0, number))
        elif last is not None and last.kind == "list_item" and not para and text[0].islower():
            blocks[-1] = Block("list_item", _join(last.text, text), 0, last.page)
        elif (
            (not para or para[-1][-1] in _SENTENCE_END)
            and _looks_like_heading(text)
            and len(text) < 0.7 * widths[number]
            and starts_new_text(i)
        ):  # an unstyled heading: never glue it into the text around it
            close()
            styles[len(blocks)] = None
            blocks.append(Block("heading", text, 0, number))
        else:
            if not para:
                para_page = number
                para.append(text)
            else:
                para[-1] = _join(para[-1], text)
            if text[-1] in _SENTENCE_END and len(text) < 0.8 * widths[number]:
                close()
    close()
    # Level 1 (the title) for the largest heading type when it heads the document once, then 2
    # and 3; a largest type used for several headings is a section level. Unstyled go below.
    headed = [s for i, s in styles.items() if s and blocks[i].kind == "heading"]
    ranked = sorted(set(headed), reverse=True)
    first = 1 if ranked and headed.count(ranked[0]) == 1 else 2
    levels = {s: min(3, rank) for rank, s in enumerate(ranked, start=first)}
    below = min(3, len(ranked) + first)
    for i, style in styles.items():
        if blocks[i].kind == "heading":
            level = levels[style] if style else below
            blocks[i] = Block("heading", blocks[i].text, level, blocks[i].page)
    return blocks


def load_pdf(path: Path) -> LoadedDocument:
    """Load a PDF with pypdf: page numbers kept, hyphenation and headers/footers removed."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if path.stat().st_size == 0:
        raise DocumentError("leeg bestand")
    try:
        reader = PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise DocumentError("PDF is versleuteld met een wachtwoord")
        pages = [_page_lines(page) for page in reader.pages]
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise DocumentError(f"PDF is beschadigd of onleesbaar ({type(exc).__name__})") from exc
    except Exception as exc:  # pypdf raises assorted errors on broken files
        if "crypt" in str(exc).lower() or "password" in str(exc).lower():
            raise DocumentError("PDF is versleuteld met een wachtwoord") from exc
        raise DocumentError(f"PDF is beschadigd of onleesbaar ({type(exc).__name__})") from exc
    if not any(line.text.strip() for page in pages for line in page):
        raise DocumentError("PDF heeft geen tekstlaag (gescand?); laat er eerst OCR op los")
    pages = _strip_repeated_lines(pages)
    blocks = _styled_blocks(pages)
    if blocks is None:  # one size, no bold: guess headings from the shape of the text
        blocks = []
        for number, page in enumerate(pages, start=1):
            page_text = "\n".join(line.text for line in page)
            blocks.extend(text_to_blocks(_pdf_page_to_paragraphs(page_text), page=number))
    info = reader.metadata
    title = str(info.title).strip() if info and info.title else None
    return LoadedDocument(
        blocks, title or next((b.text for b in blocks if b.kind == "heading"), None)
    )
