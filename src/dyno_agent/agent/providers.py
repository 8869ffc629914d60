"""Which optional extra each model provider needs, and a clear error when it is not installed.

The provider packages are extras (`dyno-agent[openai]`, ...), so a configured provider may be
missing; this module only looks the package up (no import), so the CLI can check it at start.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

from dyno_agent.errors import ProviderNotInstalled


@dataclass(frozen=True)
class Provider:
    module: str  # what init_chat_model imports
    package: str  # its distribution on PyPI
    extra: str  # the dyno-agent extra that installs it


# Keyed by the provider prefix of an init_chat_model spec ("openai:gpt-4.1-mini").
PROVIDERS = {
    "openai": Provider("langchain_openai", "langchain-openai", "openai"),
    "anthropic": Provider("langchain_anthropic", "langchain-anthropic", "anthropic"),
    "google_genai": Provider("langchain_google_genai", "langchain-google-genai", "google"),
    "ollama": Provider("langchain_ollama", "langchain-ollama", "ollama"),
}


def require_provider(spec: str) -> None:
    """Raise ProviderNotInstalled when `spec` names a known provider whose package is missing
    (the offline model and unknown providers are left to the model factory)."""
    provider = PROVIDERS.get(spec.split(":", 1)[0])
    if provider is None or importlib.util.find_spec(provider.module) is not None:
        return
    raise ProviderNotInstalled(
        f"The model {spec!r} needs the optional package {provider.package}, which is not "
        f"installed. Install it with `uv sync --extra {provider.extra}` (in a clone) or "
        f"`pip install 'dyno-agent[{provider.extra}]'`.",
        model=spec,
        extra=provider.extra,
    )
