"""Logs captured as the server writes them: `configure_logging` into a buffer, undone afterwards."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
import structlog

from dyno_agent.config import Settings
from dyno_agent.observability.logging import QUIET_LOGGERS, UVICORN_LOGGERS, configure_logging


@dataclass
class CapturedLogs:
    stream: io.StringIO = field(default_factory=io.StringIO)
    mark: int = 0

    def text(self) -> str:
        return self.stream.getvalue()

    def new_lines(self) -> list[dict[str, Any]]:
        """The JSON lines written since the last call."""
        chunk = self.stream.getvalue()[self.mark :]
        self.mark += len(chunk)
        return [json.loads(line) for line in chunk.splitlines() if line.strip()]


@pytest.fixture
def capture_logs() -> Iterator[Any]:
    """`capture_logs(settings)` routes all logging through the app's configuration into a
    buffer; the global logging state is restored after the test."""
    root = logging.getLogger()
    saved = (root.handlers[:], root.level)
    names = (*UVICORN_LOGGERS, "uvicorn.access", *QUIET_LOGGERS)
    loggers = {name: logging.getLogger(name) for name in names}
    saved_loggers = {
        name: (lg.handlers[:], lg.propagate, lg.disabled, lg.level) for name, lg in loggers.items()
    }

    def install(settings: Settings) -> CapturedLogs:
        captured = CapturedLogs()
        configure_logging(settings, stream=captured.stream)
        return captured

    yield install
    root.handlers, _ = saved
    root.setLevel(saved[1])
    for name, (handlers, propagate, disabled, level) in saved_loggers.items():
        lg = loggers[name]
        lg.handlers, lg.propagate, lg.disabled = handlers, propagate, disabled
        lg.setLevel(level)
    structlog.reset_defaults()
