"""What the API app shares between requests: settings, the two services, limits, metrics."""

import hashlib
import math
import threading
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from assistant.api.metrics import Metrics
from assistant.conversation import Conversations, Turn
from assistant.keys import matches
from assistant.ratelimit import RateLimiter, SQLStorage
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage import Database

_bearer = HTTPBearer(auto_error=False)


class Runtime:
    """Builds the Assistant once (retrying while the index or Chroma is unavailable)."""

    def __init__(self, settings: Settings, assistant: Assistant | None, database: Database) -> None:
        self.settings = settings
        self.database = database
        # counted in the database, so `via serve --workers N` allows the limit once, not N times
        self.limiter = RateLimiter(
            settings.rate_limit_per_minute, SQLStorage(engine=database.engine)
        )
        self.metrics = Metrics()
        self._assistant = assistant
        self._lock = threading.Lock()
        self.conversations = Conversations(self.assistant, database)

    @property
    def loaded(self) -> bool:
        """True once the Assistant has been built."""
        return self._assistant is not None

    def counted(self, turn: Turn) -> Turn:
        """The turn, counted by status in the metrics."""
        self.metrics.answers.labels(turn.answer.status).inc()
        return turn

    def assistant(self) -> Assistant:
        """The Assistant; raises the ViaError that keeps it from being built."""
        if self._assistant is None:
            with self._lock:
                if self._assistant is None:
                    self._assistant = Assistant.from_settings(self.settings)
        return self._assistant


def runtime(request: Request) -> Runtime:
    """The app's Runtime (dependency)."""
    rt: Runtime = request.app.state.runtime
    return rt


RuntimeDep = Annotated[Runtime, Depends(runtime)]
Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]


def api_key(rt: RuntimeDep, credentials: Credentials) -> str | None:
    """The caller's key; 401 when keys are configured and none (or a wrong one) is given."""
    keys = rt.settings.api_keys
    if not keys:
        return None
    if credentials is None or not matches(credentials.credentials, keys):
        raise HTTPException(
            401,
            "Geen of ongeldige API-sleutel. Stuur de header 'Authorization: Bearer <sleutel>'.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return credentials.credentials


def maintainer_key(rt: RuntimeDep, credentials: Credentials) -> None:
    """Maintainer endpoints always need a configured key."""
    if not rt.settings.api_keys:
        raise HTTPException(403, "Stel VIA_API_KEYS in om feedback te kunnen exporteren.")
    api_key(rt, credentials)


Key = Annotated[str | None, Depends(api_key)]
Authorized = Depends(api_key)


def rate_limited(request: Request, rt: RuntimeDep, key: Key) -> None:
    """429 with Retry-After when this key (or client address) asks too often."""
    # key is api_key's result; routes also declare Authorized, and FastAPI runs it once
    if key:  # stored in the database: a digest, never the key itself
        who = f"key:{hashlib.sha256(key.encode()).hexdigest()[:32]}"
    else:
        who = f"ip:{request.client.host if request.client else '-'}"
    wait = rt.limiter.check(who)
    if wait > 0:
        raise HTTPException(
            429,
            "Te veel vragen in korte tijd. Probeer het over enkele seconden opnieuw.",
            headers={"Retry-After": str(math.ceil(wait))},
        )


Limited = Depends(rate_limited)
