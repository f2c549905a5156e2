"""Chat models for llm mode: built from settings, called with failures turned into one error."""

import logging
import threading
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import httpx
from langchain_core.exceptions import ModelError
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from assistant import messages
from assistant.answer import Passage
from assistant.errors import LLMUnavailableError
from assistant.prompts import render
from assistant.questions.follow_up import resolve_follow_up
from assistant.settings import Settings
from assistant.units import body_of

log = logging.getLogger("via.llm")

_PACKAGES = {"ollama": "langchain-ollama", "openai": "langchain-openai"}
_DEFAULT_URLS = {"ollama": "http://localhost:11434", "openai": "https://api.openai.com/v1"}


def make_chat_model(settings: Settings) -> BaseChatModel:
    """Build the configured chat model; a missing backend package gives an install hint."""
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"temperature": settings.llm_temperature}
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    timeout = settings.llm_timeout_seconds
    if settings.llm_provider == "openai":
        key = settings.llm_api_key or "no-key"  # local servers often need none; the client does
        kwargs |= {"timeout": timeout, "max_retries": 0, "api_key": key}
    else:
        client: dict[str, Any] = {"timeout": timeout}
        if settings.llm_api_key:
            client["headers"] = {"Authorization": f"Bearer {settings.llm_api_key}"}
        kwargs["client_kwargs"] = client
    try:
        model: BaseChatModel = init_chat_model(
            settings.llm_model, model_provider=settings.llm_provider, **kwargs
        )
        return model
    except ImportError as exc:
        raise LLMUnavailableError(
            f"LLM-modus vraagt het pakket {_PACKAGES[settings.llm_provider]}: "
            "installeer het met `pip install 'via-assistent[llm]'`."
        ) from exc


def _failures() -> tuple[type[BaseException], ...]:
    """Exceptions that mean the model could not answer (unreachable, slow, or erroring)."""
    kinds: list[type[BaseException]] = [ModelError, httpx.HTTPError, OSError, ValueError]
    try:
        import openai

        kinds.append(openai.APIError)
    except ImportError:
        pass
    try:
        import ollama

        kinds.append(ollama.ResponseError)
    except ImportError:
        pass
    return tuple(kinds)


def reason(exc: BaseException) -> str:
    """'timeout', 'unreachable' or 'error': why the model did not answer (for logs and evals)."""
    chain = [exc, exc.__cause__, exc.__context__]
    names = " ".join(type(e).__name__ for e in chain if e is not None)
    if "Timeout" in names:
        return "timeout"
    if "Connect" in names or isinstance(exc, ConnectionError):
        return "unreachable"
    return "error"


def _unavailable(exc: BaseException) -> LLMUnavailableError:
    log.warning("chat model failed: %s (%s)", reason(exc), type(exc).__name__)
    return LLMUnavailableError(messages.LLM_UNAVAILABLE)


def invoke(model: BaseChatModel, messages: Sequence[BaseMessage], breaker: "Breaker") -> str:
    """The model's reply text; LLMUnavailableError when it cannot answer."""
    breaker.guard()
    try:
        return str(model.invoke(list(messages)).content)
    except _failures() as exc:
        breaker.failed(exc)
        raise _unavailable(exc) from exc


async def astream(
    model: BaseChatModel, messages: Sequence[BaseMessage], breaker: "Breaker"
) -> AsyncIterator[str]:
    """The model's reply as text chunks; LLMUnavailableError when it cannot (go on) answering."""
    breaker.guard()
    try:
        async for chunk in model.astream(list(messages)):
            yield str(chunk.content)
    except _failures() as exc:
        breaker.failed(exc)
        raise _unavailable(exc) from exc


class ModelProbe:
    """Cheap reachability check of the model server (its model list), cached for ttl seconds."""

    def __init__(self, settings: Settings, ttl: float = 15.0) -> None:
        self.settings = settings
        self.ttl = ttl
        self._lock = threading.Lock()
        self._checked_at = -float("inf")
        self._state: dict[str, Any] = {}

    def state(self) -> dict[str, Any]:
        """{'reachable': bool, 'provider', 'model', and 'detail' when something is wrong}."""
        with self._lock:
            if time.monotonic() - self._checked_at >= self.ttl:
                self._state = self._check()
                self._checked_at = time.monotonic()
            return dict(self._state)

    def _check(self) -> dict[str, Any]:
        s = self.settings
        base = (s.llm_base_url or _DEFAULT_URLS[s.llm_provider]).rstrip("/")
        url = f"{base}/models" if s.llm_provider == "openai" else f"{base}/api/tags"
        headers = {"Authorization": f"Bearer {s.llm_api_key}"} if s.llm_api_key else {}
        state: dict[str, Any] = {"provider": s.llm_provider, "model": s.llm_model}
        try:
            response = httpx.get(url, headers=headers, timeout=min(2.0, s.llm_timeout_seconds))
            response.raise_for_status()
            names = _model_names(response.json(), s.llm_provider)
        except (httpx.HTTPError, ValueError) as exc:
            return state | {"reachable": False, "detail": _probe_detail(exc)}
        state["reachable"] = True
        if names is not None and s.llm_model not in names:
            state["detail"] = f"De server kent het model '{s.llm_model}' niet."
        return state


def _model_names(body: Any, provider: str) -> set[str] | None:
    """Model names a server lists (Ollama names also without ':latest'); None when unknown."""
    if provider == "openai":
        return {str(m.get("id")) for m in body.get("data", [])} or None
    names = {str(m.get("name")) for m in body.get("models", [])}
    return names | {n.removesuffix(":latest") for n in names}


def _probe_detail(exc: Exception) -> str:
    if isinstance(exc, httpx.HTTPStatusError):
        return f"Het taalmodel antwoordt met HTTP {exc.response.status_code}."
    if isinstance(exc, httpx.TimeoutException):
        return "Het taalmodel antwoordt niet op tijd."
    return "Het taalmodel is niet bereikbaar."


class Breaker:
    """After a failed call the model is skipped for `pause` seconds (answers go extractive)."""

    def __init__(self, pause: float = 30.0) -> None:
        self.pause = pause
        self.last: BaseException | None = None
        self._until = 0.0

    @property
    def open(self) -> bool:
        """True while the model is being skipped."""
        return time.monotonic() < self._until

    def guard(self) -> None:
        """LLMUnavailableError (caused by the last failure) while the model is being skipped."""
        if self.open:
            raise LLMUnavailableError(messages.LLM_UNAVAILABLE) from self.last

    def failed(self, exc: BaseException) -> None:
        """Remember a failure and start the pause."""
        self.last, self._until = exc, time.monotonic() + self.pause


def answer_messages(passages: Sequence[Passage], question: str) -> list[BaseMessage]:
    """The system and user messages that ask the model to answer from numbered passages."""
    numbered = "\n\n".join(
        f"[{i}] {p.title} — {p.section}\n{body_of(p)}" for i, p in enumerate(passages, start=1)
    )
    return [
        SystemMessage(render("answer_system")),
        HumanMessage(render("answer_user", passages=numbered, question=question)),
    ]


def condense(
    model: BaseChatModel, breaker: "Breaker", question: str, history: Sequence[str]
) -> str:
    """A follow-up rewritten into a standalone question; the rule-based reading on failure."""
    prompt = render("condense", history="\n".join(f"- {h}" for h in history), question=question)
    try:
        reply = invoke(model, [HumanMessage(prompt)], breaker)
    except LLMUnavailableError:
        return resolve_follow_up(question, history)
    return reply.strip() or question
