"""Conservative Markdown for the offline model: tool data never becomes HTML or markup."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

# `&`, `<` and `>` become entities unless they cannot start markup ("A & B", "<10K", ">10K").
_HTML = [
    (re.compile(r"&(?![\s]|$)"), "&amp;"),
    (re.compile(r"<(?![\d\s=])"), "&lt;"),
    (re.compile(r">(?![\d=])"), "&gt;"),
]
# Characters that would start a link, code span, emphasis or a table cell break inside a value.
_MARKUP = re.compile(r"([\\`*\[\]|])")


def text(value: Any) -> str:
    """A value from tool data, safe inside a sentence: no HTML, no markup, one line."""
    if value is None:
        return ""
    raw = str(value)
    escaped = raw
    for pattern, entity in _HTML:
        escaped = pattern.sub(entity, escaped)
    escaped = _MARKUP.sub(r"\\\1", escaped)
    return " ".join(escaped.split())


def cell(value: Any) -> str:
    """A table cell: like `text`, with `-` for nothing and lists joined by commas."""
    if value is None or value == "" or value == []:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, (list, tuple)):
        return ", ".join(text(item) for item in value) or "-"
    return text(value)


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    lines = [
        "| " + " | ".join(headers) + " |",
        "|" + "|".join(" --- " for _ in headers) + "|",
    ]
    lines += ["| " + " | ".join(cell(value) for value in row) + " |" for row in rows]
    return "\n".join(lines)


def percent(value: Any) -> str:
    return "n/a" if not isinstance(value, (int, float)) else f"{value:.0%}"


def plural(count: int, word: str, many: str | None = None) -> str:
    return f"{count} {word if count == 1 else many or word + 's'}"


def a_test(test_type: Any) -> str:
    """ "a brake test", "an emissions test" (the name escaped)."""
    name = text(test_type)
    return f"{'an' if name[:1].lower() in 'aeiou' and name else 'a'} {name} test"
