"""Moves and resizes by an offset: "slide #40 out three days", "pull it in by a day", "make #71
a day longer", "two days shorter", "extend booking 9 by a week"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dyno_agent.agent.offline.text import NUMBER, Span, normalize, to_int

_I = re.IGNORECASE
_N = rf"(?P<n>{NUMBER})\s*(?P<u>days?|weeks?)"
_LATER = {"later", "out", "back", "postpone", "delay", "push", "slide"}
_EARLIER = {"earlier", "forward", "in", "sooner", "advance"}
_LONGER = {"longer", "extend", "extended", "extending", "lengthen"}
_SHORTER = {"shorter", "shorten", "shortened", "trim"}
_DIRECTIONS = "later|earlier|sooner|out|back|forward|in|longer|shorter"
_PATTERNS = [
    re.compile(rf"(?<![\w-]){_N}\s+(?P<d>{_DIRECTIONS})\b", _I),  # "three days later"
    re.compile(
        rf"\b(?P<d>{_DIRECTIONS})\s+(?:by\s+)?{_N}\b", _I
    ),  # "out three days", "in by a day"
    re.compile(rf"\b(?P<d>extend\w*|lengthen|shorten\w*|trim)\b.{{0,40}}?\bby\s+{_N}\b", _I),
    re.compile(rf"\b(?P<d>postpone|delay|push|slide)\w*\b.{{0,40}}?\bby\s+{_N}\b", _I),
    re.compile(rf"\b(?P<d>advance)\w*\b.{{0,40}}?\bby\s+{_N}\b", _I),
]
_PULL = re.compile(r"\b(?:pull|pulled|pulling|bring|brought)\b", _I)


@dataclass(frozen=True)
class Offset:
    shift_days: int | None = None
    extend_days: int | None = None
    span: Span | None = None


def find_offset(text: str) -> Offset:
    """A start shift or a length change in days, and where it was said; empty when none."""
    text = normalize(text)
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            direction = match["d"].lower()
            if direction == "in" and not _PULL.search(text[: match.start()]):
                continue  # "move booking 12 in 3 days" names a date, not a pull-in
            amount = to_int(match["n"])
            if amount is None:
                continue
            days = amount * (7 if match["u"].lower().startswith("week") else 1)
            if direction in _LATER:
                return Offset(shift_days=days, span=match.span())
            if direction in _EARLIER:
                return Offset(shift_days=-days, span=match.span())
            if direction in _LONGER or direction.startswith("extend"):
                return Offset(extend_days=days, span=match.span())
            if direction in _SHORTER or direction.startswith("shorten"):
                return Offset(extend_days=-days, span=match.span())
    return Offset()
