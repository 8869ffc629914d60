"""What a booking's note and reference may hold, and how they are searched (every edge uses these).

A note is free text (at most `NOTE_MAX` characters, line breaks and tabs kept, other control
characters and bidirectional overrides refused). A reference is a test request or work order id
(`WO-4471`, `TR 2026/0012`): at most `REFERENCE_MAX` characters of letters, digits, spaces and
`- _ . / # :`, starting with a letter or digit, kept as typed; several bookings may share one. An
empty value clears the field.
"""

from __future__ import annotations

import re
import unicodedata

from sqlalchemy import ColumnElement, or_

from dyno_agent.errors import InvalidInput
from dyno_agent.scheduling.models import Allocation

NOTE_MAX = 2000
REFERENCE_MAX = 64
QUERY_MAX = 200
FIELDS = ("notes", "reference")
_REFERENCE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._/#:-]*")
_KEPT = frozenset("\n\t")
# Bidirectional embeddings, overrides and isolates: they make text read differently than stored.
_BIDI = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _refused(ch: str) -> bool:
    return ch not in _KEPT and (unicodedata.category(ch) == "Cc" or ch in _BIDI)


def clean_note(value: str | None, field: str = "notes") -> str | None:
    """The note as stored (line breaks as \\n, outer whitespace trimmed), None when empty."""
    if value is None:
        return None
    text = value.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return None
    bad = next(((i, ch) for i, ch in enumerate(text) if _refused(ch)), None)
    if bad is not None:
        raise InvalidInput(
            f"The note contains a control character (U+{ord(bad[1]):04X}) at position "
            f"{bad[0] + 1}; only line breaks and tabs are allowed.",
            field=field,
        )
    if len(text) > NOTE_MAX:
        raise InvalidInput(
            f"The note is {len(text)} characters long; at most {NOTE_MAX} are allowed.",
            field=field,
        )
    return text


def clean_reference(value: str | None, field: str = "reference") -> str | None:
    """The reference as stored (inner runs of spaces collapsed), None when empty."""
    if value is None:
        return None
    text = " ".join(value.split())
    if not text:
        return None
    if len(text) > REFERENCE_MAX:
        raise InvalidInput(
            f"The reference is {len(text)} characters long; at most {REFERENCE_MAX} are allowed.",
            field=field,
        )
    if not _REFERENCE.fullmatch(text):
        raise InvalidInput(
            f"The reference {text!r} may hold only letters, digits, spaces and - _ . / # : "
            "and must start with a letter or digit (e.g. WO-4471).",
            field=field,
        )
    return text


def clean_query(value: str | None) -> str | None:
    """A search text: trimmed, None when empty; control characters and overlong text refused."""
    if value is None or not value.strip():
        return None
    text = " ".join(value.split())
    if len(text) > QUERY_MAX or any(_refused(ch) for ch in text):
        raise InvalidInput(
            f"The search text must be at most {QUERY_MAX} characters without control characters.",
            field="q",
        )
    return text


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def matches(q: str) -> ColumnElement[bool]:
    """Bookings whose note or reference contains `q`, ignoring case (trigram indexes, 0012)."""
    pattern = f"%{_escape_like(q)}%"
    return or_(
        Allocation.notes.ilike(pattern, escape="\\"),
        Allocation.reference.ilike(pattern, escape="\\"),
    )
