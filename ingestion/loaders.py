"""Loaders chosen by file extension; each turns a file into structural blocks."""

import re
from collections.abc import Callable
from pathlib import Path

from assistant.errors import DocumentError
from ingestion.blocks import Block, LoadedDocument

_LIST_ITEM = re.compile(r"^\s*(?:[-*•▪◦✔✓✗–—·→►]|\d{1,2}[.)]|[a-z][)])\s*(?=\S)")
# Site furniture that saved web pages carry: never part of an answer.
_FURNITURE = re.compile(
    r"^(skip to (main )?content|naar (de )?(hoofd)?inhoud|ga (direct )?naar|menu|zoeken|"
    r"terug naar boven|deel deze pagina|delen( via)?:?|print( deze pagina)?|cookie\w*.*|"
    r"copyright\b.*|©.*|alle rechten voorbehouden.*|privacyverklaring|disclaimer|home|"
    r"u bent hier:?.*|volg ons.*)$",
    re.IGNORECASE,
)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_TABLE_SEPARATOR = re.compile(r"^\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?$")
_REFERENCES = re.compile(r"^(?:Bronnen|Bron|Sources?)\s*:\s*", re.IGNORECASE)
# A document's note about itself ("Dit document is een samenvatting ..."): the kind
# `samenvatting` in the manifest says it on every citation; as text it only wins retrieval
# for questions that name the document's subject.
_ABOUT_DOCUMENT = re.compile(r"^Dit document is een samenvatting\b", re.IGNORECASE)


def _paragraph(text: str, page: int | None = None) -> Block:
    """A paragraph; the references of its section for a 'Bronnen: ...' line; a note for the
    document's remark about itself."""
    if _REFERENCES.match(text):
        return Block("references", _REFERENCES.sub("", text), 0, page)
    if _ABOUT_DOCUMENT.match(text):
        return Block("note", text, 0, page)
    return Block("paragraph", text, 0, page)


def _read_text(path: Path) -> str:
    """Read a text file as UTF-8 (BOM allowed) or UTF-16 with BOM."""
    raw = path.read_bytes()
    if not raw.strip():
        raise DocumentError("leeg bestand")
    try:
        if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
            return raw.decode("utf-16")
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DocumentError(
            f"tekst is niet te lezen als {exc.encoding} (byte {exc.start}); "
            "sla het bestand op als UTF-8"
        ) from exc


def _looks_like_heading(line: str) -> bool:
    """Guess whether a lone line of plain text is a heading."""
    stripped = line.strip()
    return (
        0 < len(stripped) <= 90
        and stripped[-1] not in ".,;:"
        and (stripped[0].isupper() or stripped[0].isdigit())
        and len(stripped.split()) <= 12
        and not _LIST_ITEM.match(stripped)
    )


def text_to_blocks(text: str, page: int | None = None) -> list[Block]:
    """Split plain text into paragraphs, list items and heuristic headings; drop site furniture."""
    blocks: list[Block] = []
    for para in re.split(r"\n\s*\n", text):
        lines = [ln.strip() for ln in para.splitlines() if ln.strip()]
        lines = [ln for ln in lines if not _FURNITURE.match(ln)]
        if not lines:
            continue
        if len(lines) == 1 and _looks_like_heading(lines[0]):
            blocks.append(Block("heading", lines[0], 2, page))
            continue
        if len(lines) > 1 and _looks_like_heading(lines[0]) and lines[1][-1:] in ".:?!":
            blocks.append(Block("heading", lines.pop(0), 2, page))  # a heading over its text
        current: list[str] = []
        for line in lines:
            if _LIST_ITEM.match(line):
                if current:
                    blocks.append(_paragraph(" ".join(current), page))
                    current = []
                blocks.append(Block("list_item", line, 0, page))
            elif blocks and blocks[-1].kind == "list_item" and not current and line[0].islower():
                last = blocks.pop()
                blocks.append(Block("list_item", f"{last.text} {line}", 0, page))
            else:
                current.append(line)
        if current:
            blocks.append(_paragraph(" ".join(current), page))
    return blocks


def _table_rows(lines: list[str]) -> list[Block]:
    """Turn a Markdown pipe table into one block per row, each carrying the header."""
    cells = [[c.strip() for c in ln.strip().strip("|").split("|")] for ln in lines]
    header, body = cells[0], [row for row in cells[1:] if row]
    rows = []
    for row in body:
        pairs = [f"{h}: {v}" for h, v in zip(header, row, strict=False) if v]
        rows.append(Block("table_row", "; ".join(pairs)))
    return rows


def load_markdown(path: Path) -> LoadedDocument:
    """Load Markdown: headings give the section path, lists and tables stay whole."""
    lines = _read_text(path).splitlines()
    blocks: list[Block] = []
    para: list[str] = []
    table: list[str] = []

    def flush() -> None:
        if para:
            blocks.append(_paragraph(" ".join(para)))
            para.clear()
        if table:
            blocks.extend(_table_rows([t for t in table if not _TABLE_SEPARATOR.match(t.strip())]))
            table.clear()

    for raw in lines:
        line = raw.strip()
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            blocks.append(Block("heading", heading.group(2), len(heading.group(1))))
        elif line.startswith("|"):
            if para:
                flush()
            table.append(line)
        elif not line:
            flush()
        elif _LIST_ITEM.match(line):
            flush()
            blocks.append(Block("list_item", line))
        elif blocks and blocks[-1].kind == "list_item" and not para and raw.startswith(" "):
            last = blocks.pop()
            blocks.append(Block("list_item", f"{last.text} {line}"))
        else:
            if table:
                flush()
            para.append(line)
    flush()
    title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    return LoadedDocument(blocks, title)


def load_text(path: Path) -> LoadedDocument:
    """Load plain text with paragraph and heading heuristics."""
    blocks = text_to_blocks(_read_text(path))
    title = next((b.text for b in blocks if b.kind == "heading"), None)
    return LoadedDocument(blocks, title)


def load_pdf(path: Path) -> LoadedDocument:
    """Load a PDF; the PDF handling lives in ingestion.pdf, which builds on this module."""
    from ingestion.pdf import load_pdf as load_pdf_file

    return load_pdf_file(path)


def load_docx(path: Path) -> LoadedDocument:
    """Load a Word document: heading styles give sections, tables become rows with headers."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        document = docx.Document(str(path))
    except (PackageNotFoundError, KeyError, ValueError, OSError) as exc:
        raise DocumentError(
            f"Word-bestand is beschadigd of onleesbaar ({type(exc).__name__})"
        ) from exc
    except Exception as exc:  # zipfile.BadZipFile and friends
        raise DocumentError(
            f"Word-bestand is beschadigd of onleesbaar ({type(exc).__name__})"
        ) from exc
    blocks: list[Block] = []
    body = document.element.body
    paragraphs = {id(p._element): p for p in document.paragraphs}
    tables = {id(t._element): t for t in document.tables}
    for child in body.iterchildren():
        if id(child) in paragraphs:
            para = paragraphs[id(child)]
            text = para.text.strip()
            style = (para.style.name if para.style is not None else "") or ""
            if not text:
                continue
            if style == "Title":
                blocks.append(Block("heading", text, 1))
            elif style.startswith("Heading"):
                level = int(style.split()[-1]) if style.split()[-1].isdigit() else 2
                blocks.append(Block("heading", text, level))
            elif style.startswith("List"):
                blocks.append(Block("list_item", f"- {text}"))
            else:
                blocks.append(Block("paragraph", text))
        elif id(child) in tables:
            rows = [[c.text.strip() for c in r.cells] for r in tables[id(child)].rows]
            if rows:
                lines = ["| " + " | ".join(r) + " |" for r in rows]
                blocks.extend(_table_rows(lines))
    if not blocks:
        raise DocumentError("Word-bestand bevat geen tekst")
    core_title = (document.core_properties.title or "").strip()
    title = core_title or next((b.text for b in blocks if b.kind == "heading"), None)
    return LoadedDocument(blocks, title)


LOADERS: dict[str, Callable[[Path], LoadedDocument]] = {
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".pdf": load_pdf,
    ".docx": load_docx,
}


def load(path: Path) -> LoadedDocument:
    """Load a file with the loader for its extension; raise DocumentError when it cannot."""
    loader = LOADERS.get(path.suffix.lower())
    if loader is None:
        raise DocumentError(
            f"bestandstype {path.suffix or '(geen)'} wordt niet ondersteund "
            f"(wel: {', '.join(sorted(LOADERS))})"
        )
    document = loader(path)
    if not any(b.text.strip() for b in document.blocks if b.kind != "heading"):
        raise DocumentError("bestand bevat geen tekst")
    return document
