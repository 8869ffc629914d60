"""Model providers are optional extras: a configured provider whose package is missing is a clear,
typed error naming the extra and the command that installs it; the offline model needs none.

"Not installed" is simulated the way Python itself blocks an import: `sys.modules[name] = None`.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dyno_agent.agent.models import make_model_factory
from dyno_agent.agent.providers import PROVIDERS, require_provider
from dyno_agent.cli.main import app
from dyno_agent.config import Settings, get_settings
from dyno_agent.errors import ProviderNotInstalled

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"


@pytest.fixture
def without_anthropic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setitem(sys.modules, "langchain_anthropic", None)
    monkeypatch.setenv("DYNO_LLM", "anthropic:claude-sonnet-4-5")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


def assert_names_the_extra(message: str) -> None:
    assert "'anthropic:claude-sonnet-4-5'" in message
    assert "langchain-anthropic" in message
    assert "`uv sync --extra anthropic`" in message
    assert "`pip install 'dyno-agent[anthropic]'`" in message


def test_a_provider_without_its_package_is_a_typed_error_naming_the_extra(without_anthropic):
    with pytest.raises(ProviderNotInstalled) as caught:
        require_provider("anthropic:claude-sonnet-4-5")

    assert_names_the_extra(caught.value.message)
    assert caught.value.details == {"model": "anthropic:claude-sonnet-4-5", "extra": "anthropic"}
    assert caught.value.to_dict()["error"] == "provider_not_installed"


def test_the_model_factory_raises_it_instead_of_an_import_error(without_anthropic):
    factory = make_model_factory(Settings(_env_file=None, llm="anthropic:claude-sonnet-4-5"))

    with pytest.raises(ProviderNotInstalled):
        factory()


def test_the_offline_model_and_unknown_providers_need_no_extra(monkeypatch: pytest.MonkeyPatch):
    for name in ("langchain_openai", "langchain_anthropic", "langchain_google_genai"):
        monkeypatch.setitem(sys.modules, name, None)

    require_provider("offline")
    require_provider("no_such_provider:some-model")  # left to init_chat_model
    assert type(make_model_factory(Settings(_env_file=None, llm="offline"))()).__name__ == (
        "OfflineChatModel"
    )


@pytest.mark.parametrize(
    "command",
    [
        ["ask", "what day is it?"],
        ["chat"],
        ["eval", "eval/"],
        ["serve", "--port", "1"],
    ],
)
def test_commands_using_the_model_stop_with_the_message_before_anything_else(
    without_anthropic, monkeypatch: pytest.MonkeyPatch, command: list[str]
):
    # Nothing may be reached after the check: a database that cannot exist proves it.
    monkeypatch.setenv("DATABASE_URL", "postgresql://nobody@127.0.0.1:1/nothing")
    get_settings.cache_clear()

    result = CliRunner().invoke(app, command)

    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: The model ")
    assert_names_the_extra(" ".join(result.stderr.split()))
    assert "Traceback" not in result.output


def test_each_provider_is_an_extra_and_none_is_a_core_dependency():
    project = tomllib.loads(PYPROJECT.read_text())["project"]
    extras = project["optional-dependencies"]
    core = " ".join(project["dependencies"])

    for provider in PROVIDERS.values():
        assert any(dep.startswith(provider.package) for dep in extras[provider.extra])
        assert provider.package not in core
    assert extras["all"] == [f"dyno-agent[{','.join(p.extra for p in PROVIDERS.values())}]"]
