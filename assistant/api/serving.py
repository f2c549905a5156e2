"""Start-up guards and logging for `via serve`."""

import ipaddress
from typing import Any

from assistant.errors import ViaError
from assistant.settings import Settings


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and 'localhost'."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: Settings) -> None:
    """Refuse to listen beyond this machine without API keys."""
    if not is_loopback(host) and not settings.api_keys:
        raise ViaError(
            f"Luisteren op {host} (buiten deze computer) vereist API-sleutels: stel VIA_API_KEYS "
            "in, bv. VIA_API_KEYS='[\"een-lange-geheime-sleutel\"]'."
        )


def log_config() -> dict[str, Any]:
    """uvicorn logging: our own access line (route template only), no request bodies."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {"err": {"class": "logging.StreamHandler", "formatter": "plain"}},
        "loggers": {
            "uvicorn": {"handlers": ["err"], "level": "INFO", "propagate": False},
            "uvicorn.access": {"handlers": [], "level": "WARNING", "propagate": False},
            "via": {"handlers": ["err"], "level": "INFO", "propagate": False},
        },
    }
