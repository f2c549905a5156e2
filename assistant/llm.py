"""Chat models for llm mode, chosen by settings and imported lazily."""

from typing import Any

from langchain_core.language_models import BaseChatModel

from assistant.errors import LLMUnavailableError
from assistant.settings import Settings

_PACKAGES = {"ollama": "langchain-ollama", "openai": "langchain-openai"}


def make_chat_model(settings: Settings) -> BaseChatModel:
    """Build the configured chat model; a missing backend package gives an install hint."""
    from langchain.chat_models import init_chat_model

    kwargs: dict[str, Any] = {"temperature": settings.llm_temperature}
    if settings.llm_base_url:
        kwargs["base_url"] = settings.llm_base_url
    if settings.llm_api_key:
        kwargs["api_key"] = settings.llm_api_key
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
