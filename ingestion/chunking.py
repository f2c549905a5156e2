"""Structure-aware chunking: sections first, lists with their lead-in, rows with headers."""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field

from langchain_core.documents import Document
from langchain_text_splitters import RecursiveCharacterTextSplitter

from ingestion.blocks import Block

TokenCounter = Callable[[str], int]


@dataclass
class _Section:
    path: list[str]
    blocks: list[Block]
    references: list[str] = field(default_factory=list)


def _sections(blocks: list[Block]) -> list[_Section]:
    """Group blocks under their heading path (document title excluded)."""
    stack: list[tuple[int, str]] = []
    sections: list[_Section] = [_Section([], [])]
    for block in blocks:
        if block.kind == "heading":
            if block.level <= 1:
                stack = []
            else:
                stack = [(lvl, text) for lvl, text in stack if lvl < block.level]
                stack.append((block.level, block.text))
            sections.append(_Section([t for _, t in stack], []))
        elif block.kind == "references":
            sections[-1].references.append(block.text)
        elif block.kind == "note":
            continue  # about the document, not its content (the manifest's kind says it)
        else:
            sections[-1].blocks.append(block)
    return [s for s in sections if s.blocks]


def _groups(blocks: list[Block]) -> list[list[Block]]:
    """Keep a paragraph together with the list or table that follows it."""
    groups: list[list[Block]] = []
    for block in blocks:
        joins_previous = (
            block.kind in ("list_item", "table_row")
            and groups
            and (groups[-1][-1].kind == block.kind or groups[-1][-1].kind == "paragraph")
        )
        if joins_previous:
            groups[-1].append(block)
        else:
            groups.append([block])
    return groups


def _join(blocks: list[Block]) -> str:
    """Render blocks as text: list items and rows on their own line, paragraphs apart."""
    out = ""
    for block in blocks:
        if out:
            out += "\n" if block.kind in ("list_item", "table_row") else "\n\n"
        out += block.text
    return out


def _pages(blocks: list[Block]) -> dict[str, int]:
    """Page range of a chunk, when the loader knew pages."""
    pages = [b.page for b in blocks if b.page is not None]
    return {"page_start": min(pages), "page_end": max(pages)} if pages else {}


def chunk_blocks(
    blocks: list[Block],
    base_metadata: dict[str, str | int],
    count_tokens: TokenCounter,
    chunk_size: int,
    chunk_overlap: int,
) -> list[Document]:
    """Split a document's blocks into Documents that fit the token budget with a heading line."""
    title = str(base_metadata.get("title", ""))
    chunks: list[Document] = []
    for section in _sections(blocks):
        section_name = " > ".join(section.path)
        heading = section_name or title
        budget = chunk_size - count_tokens(heading + "\n\n")
        splitter = RecursiveCharacterTextSplitter(
            chunk_size=budget,
            chunk_overlap=min(chunk_overlap, budget // 4),
            length_function=count_tokens,
            separators=["\n\n", "\n", ". ", "; ", ", ", " ", ""],
            keep_separator="end",
        )
        parts: list[tuple[str, list[Block]]] = []
        current: list[Block] = []
        for group in _groups(section.blocks):
            for piece in _fit(group, budget, count_tokens):
                too_long = current and count_tokens(_join(current + piece)) > budget
                if too_long and count_tokens(_join(current)) > budget // 4:
                    parts.append((_join(current), current))
                    current = []
                current = current + piece
        if current:
            parts.append((_join(current), current))
        for text, part_blocks in parts:
            texts = [text] if count_tokens(text) <= budget else splitter.split_text(text)
            for body in texts:
                content = f"{heading}\n\n{body.strip()}" if heading else body.strip()
                meta: dict[str, str | int] = {
                    **base_metadata,
                    **_level_from_path(section.path),
                    "section": section_name,
                    "heading": heading,
                    "chunk_index": len(chunks),
                    "chunk_hash": hashlib.sha256(content.encode()).hexdigest()[:16],
                    "references": " ".join(_urls(section.references)),
                    **_pages(part_blocks),
                }
                chunks.append(Document(page_content=content, metadata=meta))
    return chunks


_LEVELS = {"landelijk", "regionaal", "lokaal"}


def _urls(references: list[str]) -> list[str]:
    """The links named in a section's 'Bronnen:' lines, in order, without repeats."""
    found = [part.strip(" .;") for ref in references for part in ref.replace(";", ",").split(",")]
    return list(dict.fromkeys(u for u in found if u.startswith("http")))


def _level_from_path(path: list[str]) -> dict[str, str]:
    """A section headed by a level name (Landelijk, Regionaal, Lokaal) sets the chunk's level."""
    for name in reversed(path):
        if name.strip().lower() in _LEVELS:
            return {"level": name.strip().lower()}
    return {}


def _fit(group: list[Block], budget: int, count_tokens: TokenCounter) -> list[list[Block]]:
    """Split a group that is too long at block boundaries; a lone long block stays whole."""
    if len(group) == 1 or count_tokens(_join(group)) <= budget:
        return [group]
    pieces: list[list[Block]] = [[]]
    for block in group:
        if pieces[-1] and count_tokens(_join([*pieces[-1], block])) > budget:
            pieces.append([])
        pieces[-1].append(block)
    return pieces
