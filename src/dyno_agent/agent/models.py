"""Chat models: the built-in offline model, or any provider through LangChain's init_chat_model."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from langchain_core.language_models import BaseChatModel

from dyno_agent.agent.providers import require_provider
from dyno_agent.config import Settings

OFFLINE = "offline"


def provider_kwargs(spec: str, settings: Settings) -> dict[str, Any]:
    """Timeout and bounded retries, in each provider's own terms."""
    provider = spec.split(":", 1)[0]
    if provider == "ollama":  # ChatOllama has no retry setting; its HTTP client takes the timeout
        kwargs: dict[str, Any] = {"client_kwargs": {"timeout": settings.llm_timeout_s}}
        if settings.ollama_host:
            kwargs["base_url"] = settings.ollama_host
        return kwargs
    return {"timeout": settings.llm_timeout_s, "max_retries": settings.llm_max_retries}


def make_model_factory(settings: Settings) -> Callable[[], BaseChatModel]:
    """A factory for the configured model, built once on first use (a failure surfaces in the
    llm node as a friendly error, not at start-up)."""
    spec = settings.llm_spec()

    @cache
    def factory() -> BaseChatModel:
        if spec == OFFLINE:
            from dyno_agent.agent.offline.model import OfflineChatModel

            return OfflineChatModel()
        from langchain.chat_models import init_chat_model

        require_provider(spec)
        return init_chat_model(spec, **provider_kwargs(spec, settings))

    return factory
