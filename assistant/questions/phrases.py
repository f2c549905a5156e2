"""Word-boundary phrase matching for the rules in rules.yaml ("plek*", "sluit * op")."""

import re
from collections.abc import Sequence
from functools import lru_cache


@lru_cache(maxsize=4096)
def _compile(phrase: str) -> re.Pattern[str]:
    parts: list[str] = []
    for word in phrase.lower().split():
        if word == "*":
            parts.append(r"\w+")
        elif word.endswith("*"):
            parts.append(re.escape(word[:-1]) + r"\w*")
        else:
            parts.append(re.escape(word))
    head = r"\b" if phrase[:1].isalnum() else ""
    tail = r"\b" if phrase[-1:].isalnum() or phrase.endswith("*") else ""
    return re.compile(head + r"\s+".join(parts) + tail, re.IGNORECASE)


def find(text: str, phrases: Sequence[str]) -> str | None:
    """The first phrase that occurs in text, or None."""
    return next((p for p in phrases if _compile(p).search(text)), None)


def matches_rule(text: str, rule: Sequence[Sequence[str]]) -> bool:
    """True when every group of the rule has a phrase in text (in any order)."""
    return all(find(text, group) is not None for group in rule)


def matches_any(text: str, rules: Sequence[Sequence[Sequence[str]]]) -> bool:
    """True when one of the rules matches."""
    return any(matches_rule(text, rule) for rule in rules)


def starts_with(text: str, phrases: Sequence[str]) -> bool:
    """True when text opens with one of the phrases."""
    return any(_compile(p).match(text.lstrip()) for p in phrases)


def ends_with(text: str, phrases: Sequence[str]) -> bool:
    """True when text closes with one of the phrases (whole words)."""
    return any(_ending(p).search(text) for p in phrases)


@lru_cache(maxsize=1024)
def _ending(phrase: str) -> re.Pattern[str]:
    return re.compile(_compile(phrase).pattern + r"\s*$", re.IGNORECASE)
