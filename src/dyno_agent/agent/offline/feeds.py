"""Calendar feeds in the offline model: "give me a calendar link for dyno 3", "ical feed for my
bookings", "Kalender-Abo für meine Buchungen", "MPG 3 in meinem Kalender abonnieren".

Exact rules: iCalendar words (ical, .ics, webcal, "calendar feed/link"), or subscribing with a
calendar program named. "What's on the calendar for MPG 3" stays a schedule question. The feed is
the facility, vehicle or dyno named (in that order), else the user's own bookings.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from dyno_agent.agent.offline.markdown import text
from dyno_agent.agent.offline.messages import say

if TYPE_CHECKING:  # parse imports intents, which imports this module
    from dyno_agent.agent.offline.parse import ParsedRequest

_CALENDAR = r"(?:calend[ae]r|kalender|outlook|google\s+calendar|apple\s+calendar|thunderbird)"
FEED = re.compile(
    r"\b(?:ical|icalendar|ics|webcal)\b|"
    r"\bcalend[ae]r[\s-]*(?:feeds?|links?|urls?|subscriptions?|exports?|files?|abo)\b|"
    r"\bkalender[\s-]*(?:feeds?|links?|abos?|abonnements?|urls?|exports?|datei)\b|"
    rf"\bsubscri(?:be|ption)\b[^.?!]{{0,40}}\b{_CALENDAR}\b|"
    rf"\b{_CALENDAR}\b[^.?!]{{0,20}}\bsubscri(?:be|ption)\b|"
    rf"\babonnier\w*\b[^.?!]{{0,40}}\b{_CALENDAR}\b|\b{_CALENDAR}\b[^.?!]{{0,40}}\babonnier\w*",
    re.IGNORECASE,
)
_FACILITY = re.compile(
    r"\b(?:facility|site|standort|werk|halle)\s+(?:of\s+|von\s+)?(?P<after>[A-Za-z][\w-]{1,59})\b|"
    r"\b(?P<before>[A-Za-z][\w-]{1,59})[\s-]+(?:facility|site|standort)\b",
    re.IGNORECASE,
)
_NOT_FACILITY = {"the", "whole", "entire", "our", "my", "a", "this", "that", "den", "die", "das"}
_TAG = re.compile(
    r"\b(?:vehicle|car|truck|fahrzeug)\s+(?:tag\s+)?#?(?P<tag>(?=[\w./-]*\d)(?=[\w./-]*[A-Za-z])"
    r"[A-Za-z0-9][\w./-]{2,39})\b",
    re.IGNORECASE,
)


def asks_for_feed(text_: str) -> bool:
    return FEED.search(text_) is not None


def _facility(text_: str) -> str | None:
    for match in _FACILITY.finditer(text_):
        name = match["after"] or match["before"]
        if name and name.lower() not in _NOT_FACILITY:
            return name
    return None


def feed_args(p: ParsedRequest) -> dict[str, Any]:
    """The calendar_feed_link arguments for a feed request."""
    e = p.entities
    if facility := _facility(p.text):
        return {"feed": "facility", "facility": facility}
    if e.vehicle_id is not None:
        return {"feed": "vehicle", "vehicle_id": e.vehicle_id}
    if e.vin:
        return {"feed": "vehicle", "vin": e.vin}
    if tag := _TAG.search(p.text):
        return {"feed": "vehicle", "tag": tag["tag"]}
    if e.dyno is not None:
        return {"feed": "dyno", "dyno": int(e.dyno) if e.dyno.isdigit() else e.dyno}
    return {"feed": "mine"}


def feed_answer(data: dict[str, Any], args: dict[str, Any], hints: dict[str, Any]) -> str:
    feed = str(data.get("feed") or args.get("feed") or "mine")
    ref = text(data.get("ref"))
    what = say("feed.mine") if feed == "mine" else say(f"feed.{feed}", ref=ref)
    return say("feed.link", what=what, url=str(data["url"]), label=text(data.get("label")))
