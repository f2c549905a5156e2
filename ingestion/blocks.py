"""The structural units every loader produces and the chunker consumes."""

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "list_item", "table_row", "references", "note"]


@dataclass(frozen=True)
class Block:
    """One structural unit: heading, paragraph, list item, table row, a section's references or
    a note about the document itself (kept out of the passages)."""

    kind: BlockKind
    text: str
    level: int = 0
    page: int | None = None


@dataclass
class LoadedDocument:
    """A document as loaded from disk: its blocks plus metadata found in the file itself."""

    blocks: list[Block]
    title: str | None = None
    metadata: dict[str, str] = field(default_factory=dict)
