"""Constant-time comparison of a given secret (API key, join code, webhook secret)."""

import hmac
from collections.abc import Iterable


def matches(given: str, expected: str | Iterable[str] | None) -> bool:
    """True when given equals the expected secret (or one of them); never for an empty one."""
    options = [expected] if isinstance(expected, str) else list(expected or [])
    return any(bool(e) and hmac.compare_digest(given.encode(), e.encode()) for e in options)
