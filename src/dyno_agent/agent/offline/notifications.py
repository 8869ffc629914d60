"""Subscriptions in the offline model: "notify me when dyno 3 gets booked", "subscribe me to
vehicle 12", "keep me posted on all bookings"; German "Benachrichtige mich, wenn Dyno 3 gebucht
wird", "Fahrzeug 12 abonnieren", "Sag mir Bescheid, wenn sich bei MPG 5 was ändert".

What is followed comes from the request's entities (a dyno, a vehicle) or from the words here (a
facility, all bookings); with none of them the model asks.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dyno_agent.agent.offline.parse import Entities


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


SUBSCRIBE = _rx(
    r"\bno?ti?fy?\s+me\b|\bnotif(?:y|ication)s?\s+(?:for|about|on)\b|"
    r"\b(?:alert|ping|e-?mail|mail|tell|message)\s+me\s+(?:when|whenever|if|as\s+soon\s+as|"
    r"about\s+(?:any\s+|all\s+)?(?:changes?|bookings?|updates?))\b|"
    r"\blet\s+me\s+know\s+(?:when|whenever|if|about)\b|"
    r"\bkeep\s+me\s+(?:posted|updated|informed|in\s+the\s+loop)\b|"
    r"\bsubscri(?:be|ption)\b|\b(?:watch|follow)\s+(?:dyno|vehicle|facility|all)\b|"
    r"\bbenachrichtig\w*|\babonnier\w*|\bbescheid\b|\binformier\w*\s+mich\b|"
    r"\bauf\s+dem\s+laufenden\b"
)
_ALL = _rx(
    r"\b(?:all|every|any|alle[nms]?|jede[nrs]?)\s+(?:new\s+|neuen?\s+)?"
    r"(?:bookings?|allocations?|reservations?|buchungen?|belegungen?)\b|\beverything\b|\balles\b"
)
_FACILITY = _rx(
    r"\b(?:facility|site|building|standort|halle|gebäude)\s+(?P<name>[A-Za-z][\w-]{0,30})\b"
)


def subscription_args(text: str, found: Entities) -> dict[str, Any]:
    """The tool's arguments, or {} when the request names nothing to follow."""
    if found.dyno is not None:
        dyno: str | int = int(found.dyno) if found.dyno.isdigit() else found.dyno
        return {"scope": "dyno", "dyno": dyno}
    if found.vehicle_id is not None:
        return {"scope": "vehicle", "vehicle_id": found.vehicle_id}
    if found.vin is not None:
        return {"scope": "vehicle", "vin": found.vin}
    if match := _FACILITY.search(text):
        return {"scope": "facility", "facility": match["name"]}
    if _ALL.search(text):
        return {"scope": "all"}
    return {}
