"""Per-document metadata from corpus/manifest.yaml, with fallbacks from the file itself."""

import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ValidationError

from assistant.errors import DocumentError

MANIFEST_NAME = "manifest.yaml"


class DocumentMeta(BaseModel):
    """What a citation needs to know about a document."""

    title: str | None = None
    publisher: str = ""
    date: str = ""
    level: Literal["landelijk", "regionaal", "lokaal", ""] = ""
    url: str = ""
    kind: Literal["officieel", "samenvatting", ""] = ""


def doc_id_for(relative: str) -> str:
    """Stable document id: the file name without extension, as a slug."""
    stem = Path(relative).stem.lower()
    return re.sub(r"[^a-z0-9]+", "-", stem).strip("-") or "document"


def read_manifest(corpus_dir: Path) -> dict[str, DocumentMeta]:
    """Read the manifest, keyed by path relative to the corpus folder; empty when absent."""
    path = corpus_dir / MANIFEST_NAME
    if not path.exists():
        return {}
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        entries = raw.get("documents", {}) or {}
        return {str(k): DocumentMeta.model_validate(v or {}) for k, v in entries.items()}
    except (yaml.YAMLError, ValidationError, AttributeError) as exc:
        raise DocumentError(f"{MANIFEST_NAME} is ongeldig: {exc}") from exc
