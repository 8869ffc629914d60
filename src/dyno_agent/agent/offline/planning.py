"""Plans in the offline model: "plan the open requests" (a preview) and "commit plan 3".

English and German phrasings: "plan the open forecast for the next quarter", "make a plan",
"plane die offenen Anfragen für das nächste Quartal"; "commit plan 3", "book the plan",
"Plan 3 übernehmen". A horizon ("next quarter", "the next 60 days", "nächsten 3 Monate") becomes
the plan's `horizon_days`, counted from today.
"""

from __future__ import annotations

import datetime as dt
import re

from dyno_agent.agent.offline.datemath import add_months
from dyno_agent.agent.offline.text import NUMBER, NUMBER_WORDS


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_NOUNS = r"(?:requests?|forecast|backlog|demand|anfragen|testanfragen|prognose|bedarf)"
_OPEN = r"(?:open|pending|outstanding|remaining|unplaced|unbooked|offenen?|ausstehenden?)"
PLAN = _rx(
    rf"\b(?:plan|schedule|place|optimi[sz]e|plane|planen|plan\s+out)\b[^.?!]{{0,40}}?\b{_NOUNS}\b|"
    rf"\b(?:plan|schedule|place|plane|planen)\b[^.?!]{{0,20}}?\b{_OPEN}\s+(?:tests?|work)\b|"
    r"\b(?:make|create|run|build|draft|preview|generate|prepare|erstelle|mache?)\s+"
    r"(?:me\s+|mir\s+)?(?:a|an|the|einen|den|new|neuen)?\s*(?:new\s+)?plan\b|"
    rf"\b{_NOUNS}\b[^.?!]{{0,40}}\b(?:einplanen|planen)\b"
)
COMMIT = _rx(
    r"\b(?:commit|apply|accept|approve|execute|finali[sz]e|book|lock\s+in|go\s+ahead\s+with|"
    r"übernimm|buche|bestätige)\b\W+(?:\w+\W+){0,2}?plan\b|"
    r"\bplan\b[^.?!]{0,20}\b(?:übernehmen|buchen|bestätigen|festschreiben|freigeben|umsetzen|"
    r"committen|commit|book)\b"
)
_PLAN_ID = _rx(r"\bplan\s*(?:#|no\.?|nr\.?|number|nummer|id)?\s*(?P<id>\d{1,9})\b")
_UNIT_DAYS = {"day": 1, "tag": 1, "week": 7, "woche": 7}
_MONTHS = {"month": 1, "monat": 1, "quarter": 3, "quartal": 3, "year": 12, "jahr": 12}
_NEXT = r"(?:next|coming|following|nächsten?|nächstes|kommenden?|kommendes)"
_HORIZON = _rx(
    rf"\b{_NEXT}\s+(?:(?P<n>{NUMBER})\s+)?"
    r"(?P<unit>days?|tage?n?|weeks?|wochen?|months?|monate?n?|quarters?|quartale?n?|years?|jahre?n?)\b"
)


def find_plan_id(text: str) -> int | None:
    match = _PLAN_ID.search(text)
    return int(match["id"]) if match else None


def horizon_days(text: str, today: dt.date) -> int | None:
    """Days from today to the end of "the next quarter", "next 60 days", "nächsten 3 Monate"."""
    match = _HORIZON.search(text)
    if match is None:
        return None
    raw = (match["n"] or "1").lower()
    count = int(raw) if raw.isdigit() else NUMBER_WORDS.get(re.sub(r"[\s-]+", " ", raw), 1)
    unit = match["unit"].lower()
    for stem, days in _UNIT_DAYS.items():
        if unit.startswith(stem):
            return max(1, min(count * days, 3650))
    for stem, months in _MONTHS.items():
        if unit.startswith(stem):
            end = add_months(today, min(count * months, 120))
            return max(1, (end - today).days)
    return None
