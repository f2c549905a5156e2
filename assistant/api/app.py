"""The HTTP API: create_app(settings) builds it once; channels to mount are passed in."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException

from assistant import messages
from assistant.api import (
    routes_ask,
    routes_feedback,
    routes_health,
    routes_meldcode,
    routes_openai,
    routes_sources,
)
from assistant.api.limits import BodyLimit
from assistant.api.runtime import Runtime
from assistant.errors import (
    FlowError,
    IndexMismatchError,
    IndexMissingError,
    LLMUnavailableError,
    QuestionError,
    StoreUnavailableError,
    ViaError,
)
from assistant.service import Assistant
from assistant.settings import Settings
from assistant.storage import Database

log = logging.getLogger("via.api")
access = logging.getLogger("via.access")
STATIC = Path(__file__).parent / "static"

_STATUS = {
    QuestionError: 422,
    FlowError: 422,
    IndexMissingError: 503,
    IndexMismatchError: 503,
    StoreUnavailableError: 503,
    LLMUnavailableError: 503,
}
_HTTP_DUTCH = {
    404: "Niet gevonden.",
    405: "Deze methode is hier niet toegestaan.",
}
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "connect-src 'self'; frame-ancestors 'none'"
    ),
}


def _status_of(exc: ViaError) -> int:
    return next((code for kind, code in _STATUS.items() if isinstance(exc, kind)), 400)


def _validation_reason(exc: RequestValidationError) -> str:
    """A Dutch one-line reason for the first validation error (never echoing the input)."""
    errors = exc.errors()
    first = errors[0] if errors else {}
    kind = str(first.get("type", ""))
    field = ".".join(str(p) for p in first.get("loc", ())[1:]) or "body"
    if kind == "json_invalid":
        return "Ongeldige JSON in het verzoek."
    if kind == "missing":
        return f"Verplicht veld ontbreekt: '{field}'."
    if kind == "string_pattern_mismatch":
        return f"Ongeldige waarde voor '{field}'."
    if kind.startswith("string_too_long"):
        return f"Te lange waarde voor '{field}'."
    return f"Ongeldige waarde voor '{field}': verwacht {kind.replace('_', ' ')}."


def _install_handlers(app: FastAPI, rt: Runtime) -> None:
    @app.exception_handler(ViaError)
    async def via_error(_: Request, exc: ViaError) -> JSONResponse:
        rt.metrics.errors.labels(type(exc).__name__).inc()
        return JSONResponse({"detail": str(exc)}, status_code=_status_of(exc))

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"detail": _validation_reason(exc)}, status_code=422)

    @app.exception_handler(HTTPException)
    async def http_error(_: Request, exc: HTTPException) -> JSONResponse:
        detail = (
            _HTTP_DUTCH.get(exc.status_code, exc.detail)
            if exc.detail
            in (
                "Not Found",
                "Method Not Allowed",
            )
            else exc.detail
        )
        return JSONResponse({"detail": detail}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def crash(_: Request, exc: Exception) -> JSONResponse:
        rt.metrics.errors.labels(type(exc).__name__).inc()
        log.error("unhandled %s", type(exc).__name__, exc_info=exc)
        return JSONResponse(
            {"detail": "Er ging iets mis aan onze kant. Probeer het later opnieuw."},
            status_code=500,
        )


def _install_observation(app: FastAPI, rt: Runtime) -> None:
    @app.middleware("http")
    async def observe(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        started = time.perf_counter()
        response = await call_next(request)
        route = getattr(request.scope.get("route"), "path", "(onbekend)")
        elapsed = time.perf_counter() - started
        rt.metrics.requests.labels(route, request.method, str(response.status_code)).inc()
        rt.metrics.latency.labels(route).observe(elapsed)
        # route template only: no query string, no body, no path parameters
        access.info("%s %s %d %.1fms", request.method, route, response.status_code, elapsed * 1e3)
        for name, value in _SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response


class Channel(Protocol):
    """A channel served inside the HTTP app (e.g. a webhook): its routes and its lifetime."""

    router: APIRouter

    async def start(self) -> bool:
        """Start serving; False when the channel's own service is unreachable."""
        ...

    async def stop(self) -> None:
        """Stop serving."""
        ...


async def _warm_up(rt: Runtime) -> None:
    """Build the Assistant and load the model, so the first question is fast."""
    try:
        assistant = await asyncio.to_thread(rt.assistant)
        await asyncio.to_thread(assistant.warm)
    except ViaError as exc:
        log.warning("not ready at start-up: %s", exc)


def create_app(
    settings: Settings | None = None,
    assistant: Assistant | None = None,
    database: Database | None = None,
    channels: Sequence[Callable[[Runtime], Channel]] = (),
) -> FastAPI:
    """Build the app: one Assistant and one database shared by every request and channel."""
    settings = settings or Settings()
    rt = Runtime(settings, assistant, database or Database.from_settings(settings))
    mounted = [make(rt) for make in channels]

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await _warm_up(rt)
        for channel in mounted:
            await channel.start()
        yield
        for channel in mounted:
            await channel.stop()

    app = FastAPI(
        title="ViA-assistent",
        version="0.1.0",
        description=(
            "Antwoorden met bronvermelding over veiligheid in afhankelijkheidsrelaties. "
            + messages.BANNER
        ),
        lifespan=lifespan,
    )
    app.state.runtime = rt
    _install_handlers(app, rt)
    _install_observation(app, rt)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Authorization", "Content-Type"],
        )
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    for module in (
        routes_ask,
        routes_openai,
        routes_sources,
        routes_meldcode,
        routes_feedback,
        routes_health,
    ):
        app.include_router(module.router)
    for channel in mounted:
        app.include_router(channel.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    return app
