"""Eval case files: a YAML list of cases in the shared schema."""

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from assistant.errors import ViaError

CASES_DIR = Path(__file__).resolve().parent / "cases"


class Case(BaseModel):
    """One curated question with what a good answer must (not) contain."""

    model_config = ConfigDict(extra="forbid")

    id: str
    question: str
    expect: Literal["answer", "refuse", "emergency"]
    evidence: list[str] = []
    must_include: list[list[str]] = []
    must_not_include: list[str] = []
    history: list[str] = []
    tags: list[str] = []

    @field_validator("must_include", mode="before")
    @classmethod
    def _items_as_lists(cls, value: object) -> object:
        """Accept a bare phrase where an any-of list is expected."""
        if isinstance(value, list):
            return [[v] if isinstance(v, str) else v for v in value]
        return value


def load_cases(paths: list[Path]) -> list[Case]:
    """Read cases from files or folders of *.yaml; raise a clear error on a bad file."""
    files: list[Path] = []
    for path in paths or [CASES_DIR]:
        files.extend(sorted(path.glob("*.y*ml")) if path.is_dir() else [path])
    cases: list[Case] = []
    for file in files:
        try:
            raw = yaml.safe_load(file.read_text(encoding="utf-8")) or []
            cases.extend(Case.model_validate(item) for item in raw)
        except (yaml.YAMLError, ValidationError, TypeError) as exc:
            raise ViaError(f"Ongeldig casusbestand {file}: {exc}") from exc
    if not cases:
        raise ViaError("Geen evaluatiecasussen gevonden.")
    return cases
