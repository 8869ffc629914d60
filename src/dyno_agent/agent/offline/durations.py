"""Durations ("for 3 days", "a week") and backup windows ("flexible by 3 days")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from dyno_agent.agent.offline.text import MAX_DAYS, NUMBER, Span, mask, normalize, to_int

_I = re.IGNORECASE
_AMOUNT = rf"(?P<n>{NUMBER}|a\s+couple\s+of|a\s+couple)"
_UNIT = r"(?P<u>days?|weeks?|fortnights?|tage?n?|d[ií]as?|jours?|wochen?|semanas?|semaines?)"
# The units in German, Spanish, Portuguese and French, as days.
_DAYS_PER_UNIT = {"day": 1, "week": 7, "fortnight": 14, "tag": 1, "tage": 1, "tagen": 1}
_DAYS_PER_UNIT |= {"dia": 1, "día": 1, "dias": 1, "días": 1, "jour": 1, "jours": 1}
_DAYS_PER_UNIT |= {"woche": 7, "wochen": 7, "semana": 7, "semanas": 7, "semaine": 7, "semaines": 7}
_DAYS = rf"{_AMOUNT}[\s-]{{0,3}}(?:(?:business|working|work|calendar)\s+)?{_UNIT}"
# "5d" is five days; only after digits ("and" is not "an" + "d").
_DURATION = re.compile(
    rf"(?<![\w.,/-]){_DAYS}\b|\b(?P<fortnight>a\s+fortnight)\b|(?<![\w.,/-])(?P<dn>\d{{1,4}})\s?d\b",
    _I,
)
_NOT_A_DURATION_BEFORE = re.compile(
    r"\b(?:in|within|after|by|next|last|past|coming|previous|the\s+next|the\s+last|the\s+past|"
    r"nach|dentro\s+de|daqui\s+a|dans|d'ici)\s+$",
    _I,
)
_NOT_A_DURATION_AFTER = re.compile(
    r"^\s*(?:later|late|ago|earlier|from\s+(?:now|today)|'?\s*time|before|after|"
    r"(?:of\s+)?(?:backup|buffer|slack|leeway|flex))",
    _I,
)

_BACKUP_NEGATIVE = re.compile(
    r"\b(?:no|without(?:\s+a)?|don'?t\s+(?:need|want)\s+a?)\s*(?:backup|flexibility|slack)\b|"
    r"\bnot\s+flexible\b",
    _I,
)
_BACKUP_WITH_DAYS = [
    re.compile(p, _I)
    for p in (
        rf"\bbackup\s+(?:window\s+)?(?:of|for|up\s+to|by)?\s*(?:up\s+to\s+)?{_DAYS}\b",
        rf"\b{_DAYS}\s+(?:of\s+)?(?:backup|buffer|slack|leeway|flex(?:ibility)?)\b",
        rf"\bflexib(?:le|ility)\s+(?:of|by|for)?\s*(?:up\s+to\s+)?{_DAYS}\b",
        rf"\bup\s+to\s+{_DAYS}\s+(?:later|late|after|behind|of\s+delay)\b",
        rf"\b(?:can|could|may|able\s+to)\s+(?:slip|move|shift|slide|start)\s+(?:by\s+)?"
        rf"(?:up\s+to\s+)?{_DAYS}(?:\s+later)?\b",
        rf"\b{_DAYS}\s+(?:later\s+)?(?:is|would\s+be)\s+(?:fine|ok|okay|acceptable)\b",
    )
]
_BACKUP_PLAIN = re.compile(
    r"\b(?:with|allow(?:ing)?|use|using|plus|and)\s+(?:a\s+)?backup\b|\bbackup\s+(?:is\s+)?"
    r"(?:ok|okay|fine|allowed)\b|\b(?:i'?m|we'?re|am|are|be)\s+flexible\b|\bflexible\b|\bbackup\b",
    _I,
)


@dataclass(frozen=True)
class Backup:
    """`allowed` is None when the text says nothing; `max_days` None means "the tool's default"."""

    allowed: bool | None = None
    max_days: int | None = None
    spans: tuple[Span, ...] = ()


def _days(match: re.Match[str]) -> int | None:
    if match.groupdict().get("fortnight"):
        return 14
    if match.groupdict().get("dn"):
        return int(match["dn"])
    amount = to_int(match["n"])
    if amount is None:
        return None
    unit = match["u"].lower()
    return amount * _DAYS_PER_UNIT.get(unit, _DAYS_PER_UNIT.get(unit.rstrip("s"), 1))


def extract_backup(text: str) -> Backup:
    text = normalize(text)
    if negative := _BACKUP_NEGATIVE.search(text):
        return Backup(False, None, (negative.span(),))
    for pattern in _BACKUP_WITH_DAYS:
        if match := pattern.search(text):
            days = _days(match)
            return Backup(True, days if days and days <= MAX_DAYS else None, (match.span(),))
    if match := _BACKUP_PLAIN.search(text):
        return Backup(True, None, (match.span(),))
    return Backup()


def find_duration(text: str) -> tuple[int, Span] | None:
    """The first duration in days and its span, skipping relative dates ("in 3 days"), backup
    windows and periods ("next 2 weeks")."""
    text = normalize(text)
    text = mask(text, extract_backup(text).spans)
    for match in _DURATION.finditer(text):
        if _NOT_A_DURATION_BEFORE.search(text[: match.start()]):
            continue
        if _NOT_A_DURATION_AFTER.match(text[match.end() :]):
            continue
        days = _days(match)
        if days and days <= MAX_DAYS:
            return days, match.span()
    return None


def extract_duration(text: str) -> int | None:
    """`"for 3 days"` -> 3, `"a week"` -> 7, `"two weeks"` -> 14; None when absent."""
    found = find_duration(text)
    return found[0] if found else None
