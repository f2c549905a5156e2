"""Prompt files from prompts/, rendered with $variables; a missing variable is an error."""

from pathlib import Path
from string import Template

PROMPT_DIR = Path(__file__).resolve().parent.parent / "prompts"


def prompt_names() -> list[str]:
    """Names of all prompt files."""
    return sorted(p.stem for p in PROMPT_DIR.glob("*.md"))


def render(name: str, **variables: str) -> str:
    """Render prompts/<name>.md; raises KeyError when a variable is missing."""
    template = Template((PROMPT_DIR / f"{name}.md").read_text(encoding="utf-8"))
    return template.substitute(variables).strip()
