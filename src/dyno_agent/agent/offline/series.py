"""Recurring bookings in the offline model: "book vehicle 7 brake every monday for 6 weeks, 1 day
each", "Fahrzeug 7 Bremstest jeden Montag für 4 Wochen", "cancel series 4", "cancel the rest of
that series", "move series 4 two days later", "Serie 4 um 2 Tage verschieben".

Exact rules only: a repeat cue ("every", "jeden", "alle", "first week of each month") whose words
the domain's pattern reader (`series.pattern.parse_pattern`) understands makes a booking a
series; "series"/"Serie" with a cancel or move verb acts on one. The pattern goes to the tool as
the domain describes it, so the tool reads exactly what was understood.
"""

from __future__ import annotations

import datetime as dt
import re

from dyno_agent.agent.offline.catalogue import MESSAGES
from dyno_agent.agent.offline.date_tokens import find_date_tokens
from dyno_agent.errors import InvalidPattern
from dyno_agent.series.pattern import Pattern, parse_pattern


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_REPEAT = _rx(
    r"\b(?:every|each|jede[nmrs]?|alle|weekly|monthly|wöchentlich|monatlich|"
    r"mondays|tuesdays|wednesdays|thursdays|fridays|montags|dienstags|mittwochs|donnerstags|"
    r"freitags)\b|\bof\s+(?:each|every)\s+month\b|\bim\s+monat\b"
)
# "1 day each", "je 2 Tage": the length of each occurrence, not a repeat cue.
_EACH_LENGTH = _rx(
    r"\b(?:je\s+)?\w+\s+(?:days?|tage?n?)\s+(?:each|jeweils)\b|\bje\s+\w+\s+tage?n?\b"
)
_SERIES = _rx(
    r"\b(?:series|serie|serien|recurring|repeating|wiederkehrenden?|terminserie|buchungsserie)\b"
)
_CANCEL = _rx(
    r"\b(?:cancel|call\s+off|scrap|drop|stop|stornieren|storniere|absagen|sage|löschen|lösche|"
    r"beenden|beende)\b"
)
_MOVE = _rx(
    r"\b(?:move|shift|push|postpone|delay|bring\s+forward|verschieben|verschiebe|verlegen|verlege)\b"
)
_BOOK = _rx(r"\b(?:book|reserve|schedule|allocate|buchen|buche|reservieren|reserviere|einplanen)\b")
_READ = _rx(r"\b(?:what|what's|whats|show|list|which|how\s+many|was|zeige?|welche)\b")
# The series' first possible day is said after a cue ("from March 16", "ab 16.03."); a weekday
# alone ("every monday") is the pattern, not a start.
_START_CUE = _rx(r"\b(?:from|starting(?:\s+on|\s+from)?|beginning|ab|beginnend)\s+")
_SERIES_ID = _rx(r"\b(?:series|serie)\s*(?:#|no\.?|nr\.?|number|nummer|id)?\s*(?P<id>\d{1,9})\b")

BOOK, CANCEL, MOVE = "book_series", "cancel_series", "move_series"

MESSAGES.update(
    {
        "q.series_id": {
            "en": "Which series? Please give its number (e.g. series 4).",
            "de": "Welche Serie? Bitte nennen Sie ihre Nummer (z. B. Serie 4).",
            "es": "¿Qué serie? Indique su número (p. ej. serie 4).",
            "pt": "Qual série? Indique o número dela (p. ex. série 4).",
            "fr": "Quelle série ? Indiquez son numéro (p. ex. série 4).",
        },
        "q.shift": {
            "en": "By how many days should the series move (e.g. 2 days later)?",
            "de": "Um wie viele Tage soll die Serie verschoben werden (z. B. 2 Tage später)?",
            "es": "¿Cuántos días hay que mover la serie (p. ej. 2 días después)?",
            "pt": "Quantos dias a série deve ser movida (p. ex. 2 dias depois)?",
            "fr": "De combien de jours faut-il déplacer la série (p. ex. 2 jours plus tard) ?",
        },
        "goal.book_series": {
            "en": "book the series",
            "de": "die Serie zu buchen",
            "es": "reservar la serie",
            "pt": "reservar a série",
            "fr": "réserver la série",
        },
        "goal.cancel_series": {
            "en": "cancel the series",
            "de": "die Serie zu stornieren",
            "es": "cancelar la serie",
            "pt": "cancelar a série",
            "fr": "annuler la série",
        },
        "goal.move_series": {
            "en": "move the series",
            "de": "die Serie zu verschieben",
            "es": "mover la serie",
            "pt": "mudar a série",
            "fr": "déplacer la série",
        },
    }
)


def pattern_of(text: str) -> Pattern | None:
    """The repeat pattern a message asks for, when it has a repeat cue and the words read."""
    if not _REPEAT.search(_EACH_LENGTH.sub(" ", text)):
        return None
    try:
        return parse_pattern(text)
    except InvalidPattern:
        return None


def intent_of(text: str) -> str | None:
    """`book_series`, `cancel_series`, `move_series`, or None (not about a series)."""
    if _SERIES.search(text):
        if _CANCEL.search(text):
            return CANCEL
        if _MOVE.search(text):
            return MOVE
    if _CANCEL.search(text) or _MOVE.search(text):
        return None
    pattern = pattern_of(text)
    if pattern is None:
        return None
    if _BOOK.search(text):
        return BOOK
    bounded = pattern.count or pattern.until or pattern.weeks or pattern.months
    return BOOK if bounded and not _READ.search(text) else None


def find_series_id(text: str) -> int | None:
    match = _SERIES_ID.search(text)
    return int(match["id"]) if match else None


def pattern_text(text: str) -> str | None:
    """The pattern as the domain describes it ("every Monday for 6 week(s)")."""
    pattern = pattern_of(text)
    return pattern.describe() if pattern is not None else None


def occurrence_days(text: str) -> int | None:
    """Days of each occurrence, when the words give them ("1 day each", "je 2 Tage")."""
    pattern = pattern_of(text)
    return pattern.days if pattern is not None else None


def start_of(text: str, today: dt.date) -> dt.date | None:
    """The first possible day when the message says one after a cue; else None (today)."""
    for cue in _START_CUE.finditer(text):
        tokens = find_date_tokens(text[cue.end() :], today)
        if tokens and tokens[0].start == 0:
            return tokens[0].first
    return None
