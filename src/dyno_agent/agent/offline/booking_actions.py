"""What a message does to a booking it names by number ("kill booking 90", "bump alloc 52 by a
week", "#45 is done", "retrasa la reserva 40 tres días", "Buchung 33 um einen Tag verlängern"),
and a vehicle with a test type and no question as a booking ("veh 19 brake"). Verb and word
lists per language are data; the booking number itself must be written, never guessed."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from dyno_agent.agent.offline import entities
from dyno_agent.agent.offline.intents import Intent
from dyno_agent.agent.offline.offsets import Offset
from dyno_agent.agent.offline.text import normalize, to_int

if TYPE_CHECKING:
    from dyno_agent.agent.offline.parse import Entities

_I = re.IGNORECASE

CANCEL_VERBS = (
    r"cancel\w*|cancle\w*|cxl|kill|scrap|drop|delete|remove|axe|nix|storn\w*|l[öo]sch\w*|"
    r"absag\w*|cancela\w*|anula\w*|borra\w*|elimina\w*|annul\w*|supprim\w*"
)
LATER_VERBS = (
    r"bump\w*|push\w*|postpone\w*|delay\w*|hold\s+off|slide|slip|verschieb\w*|retras\w*|aplaz\w*|"
    r"adi[ae]\w*|atras\w*|d[ée]cal\w*|repouss\w*|report\w*"
)
EARLIER_VERBS = r"pull\w*|bring\w*\s+forward|advance|vorzieh\w*|adelant\w*|antecip\w*|avanc\w*"
LONGER_VERBS = r"extend\w*|lengthen|verl[äa]nger\w*|alarg\w*|prolong\w*|add"
SHORTER_VERBS = r"trim\w*|shorten\w*|cut|verk[üu]rz\w*|acort\w*|encurt\w*|raccourc\w*"
MOVE_VERBS = r"move|reschedule|shift|umbuch\w*|mueve|mover|move[rz]?|d[ée]place\w*"
# Status words -> the status they set.
STATUS_WORDS = {
    "completed": r"done|finished|complete[d]?|fertig|abgeschlossen|erledigt|terminad[oa]|"
    r"conclu[íi]d[oa]|termin[ée]e?|finalizad[oa]",
    "delayed": r"late|delayed|behind|versp[äa]tet|retrasad[oa]|atrasad[oa]|en\s+retard",
    "running": r"started|running|underway|l[äa]uft|en\s+curso|em\s+andamento|en\s+cours",
}
_NUMBER_WORDS = {
    "ein": 1, "einen": 1, "eine": 1, "einem": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
    "un": 1, "uno": 1, "una": 1, "um": 1, "uma": 1, "une": 1, "dos": 2, "dois": 2, "duas": 2,
    "deux": 2, "tres": 3, "três": 3, "trois": 3, "cuatro": 4, "quatro": 4, "quatre": 4,
    "cinco": 5, "cinq": 5,
}  # fmt: skip
_UNIT = r"(?P<u>days?|weeks?|tage?n?|wochen?|d[íi]as?|semanas?|jours?|semaines?)"
_AMOUNT = re.compile(rf"\b(?P<n>\d{{1,3}}|[a-zäöüéêíó]+)\s+{_UNIT}\b", _I)
_REF = (
    r"(?:#\s*(?P<h>\d{1,6})\b|\b(?:res|resa|r[ée]sa|rsv|reserva|reserve|r[ée]servation|"
    r"buchung|booking|alloc|allocation|reservation|termin)\s*#?\s*(?P<n>\d{1,6})\b)"
)
_BOOKING_REF = re.compile(_REF, _I)
_BOOKING_NOUN = re.compile(
    r"\b(?:bookings?|reservations?|allocations?|buchung(?:en)?|reservas?|r[ée]servations?|"
    r"r[ée]sas?|termine?)\b",
    _I,
)
_VERB_THEN_ID = re.compile(
    rf"\b(?:{CANCEL_VERBS}|{LATER_VERBS}|{MOVE_VERBS}|mark)\s+#?(?P<id>\d{{1,6}})\b(?!\s*(?:lbs?|kg|days?))",
    _I,
)
_LENGTH_BEFORE = re.compile(
    r"\b(?:to|for|auf|f[üu]r|para|por|pour|at[ée]|durante|make\s+(?:it|that|them))\s+$", _I
)
_ARROW = re.compile(r"->|→|=>")
_ASKS = re.compile(r"\?\s*$|^\W*(?:is|are|has|was|did|does|ist|hat|est-ce|what|whats|which)\b", _I)
_LOOKUP = re.compile(
    r"\?|\b(?:where|when|what|which|show|list|check|status|booked|bookings?|history|any|free|"
    r"available|wo|wann|welche|d[óo]nde|cu[áa]ndo|qu[ée]|onde|quando|quais|o[ùu]|quand|quel)\b",
    _I,
)
_WHAT = re.compile(r"\b(?:what|whats|what's|show|details?|info)\b|\?", _I)


def _rx(words: str) -> re.Pattern[str]:
    return re.compile(rf"\b(?:{words})\b", _I)


_CANCEL, _LATER, _EARLIER = _rx(CANCEL_VERBS), _rx(LATER_VERBS), _rx(EARLIER_VERBS)
_LONGER, _SHORTER, _MOVE = _rx(LONGER_VERBS), _rx(SHORTER_VERBS), _rx(MOVE_VERBS)
_MAKE = re.compile(r"\b(?:make|set|change)\b", _I)
_STATUS = {status: _rx(words) for status, words in STATUS_WORDS.items()}


def booking_number(text: str) -> int | None:
    """A booking number as written: "#45", "res 14", "booking 12", "postpone 77"."""
    text = normalize(text)
    ref = _BOOKING_REF.search(text)
    if ref:
        return int(ref["h"] or ref["n"])
    verb = _VERB_THEN_ID.search(text)
    return int(verb["id"]) if verb else None


def find_offset(text: str) -> Offset:
    """A move or length change in any of the five languages: a direction verb and an amount."""
    text = normalize(text)
    amount = None
    for match in _AMOUNT.finditer(text):
        if _LENGTH_BEFORE.search(text[: match.start()]):
            continue  # "cut booking 33 to 4 days" is a new length, not an offset
        word = match["n"].lower()
        number = int(word) if word.isdigit() else to_int(word) or _NUMBER_WORDS.get(word)
        if number is None and word in ("a", "an"):
            number = 1
        if number is not None:
            weeks = re.match(r"we|wo|se", match["u"], _I)
            amount = (number * (7 if weeks else 1), match.span())
            break
    if amount is None:
        return Offset()
    days, span = amount
    for pattern, sign, kind in (
        (_SHORTER, -1, "extend"),
        (_LONGER, 1, "extend"),
        (_EARLIER, -1, "shift"),
        (_LATER, 1, "shift"),
    ):
        if pattern.search(text):
            value = sign * days
            return Offset(
                shift_days=value if kind == "shift" else None,
                extend_days=value if kind == "extend" else None,
                span=span,
            )
    return Offset()


def _action(text: str, entities: Entities, has_duration: bool) -> tuple[Intent, str | None] | None:
    if _CANCEL.search(text):
        return Intent.CANCEL, None
    if not _ASKS.search(text):
        for status, pattern in _STATUS.items():
            if pattern.search(text):
                return Intent.CHANGE_STATUS, status
    moved = _LATER.search(text) or _EARLIER.search(text) or _MOVE.search(text)
    resized = _LONGER.search(text) or _SHORTER.search(text)
    if moved or resized or _ARROW.search(text) or (_MAKE.search(text) and has_duration):
        return Intent.RESCHEDULE, None
    return None


def refine(
    intent: Intent, text: str, found: Entities, has_duration: bool
) -> tuple[Intent, Entities]:
    """The intent, corrected where the message names a booking and what to do with it, or names a
    vehicle and a test type without asking anything; else unchanged. `text` has the entities
    already read blanked ("TRP #1" is a dyno, not booking 1)."""
    text = normalize(text)
    if (
        intent is Intent.CHECK_VEHICLE
        and found.test_type
        and found.allocation_id is None
        and not _LOOKUP.search(text)
    ):
        return Intent.BOOK, found
    if intent is Intent.UNKNOWN and _CANCEL.search(text) and _BOOKING_NOUN.search(text):
        return Intent.CANCEL, found  # "quiero cancelar una reserva": which one is asked
    if intent not in (
        Intent.GET_BOOKING,
        Intent.TESTS_BY_STATUS,
        Intent.UNKNOWN,
        Intent.CANCEL,
        Intent.RESCHEDULE,
        Intent.CHANGE_STATUS,
    ):
        return intent, found
    number = found.allocation_id if found.allocation_id is not None else booking_number(text)
    if number is None or found.vehicle_id is not None:
        return intent, found
    action = _action(text, found, has_duration)
    if action is None:
        if intent in (Intent.UNKNOWN, Intent.TESTS_BY_STATUS) and _WHAT.search(text):
            action = (Intent.GET_BOOKING, None)
        elif intent in (Intent.CANCEL, Intent.RESCHEDULE, Intent.CHANGE_STATUS):
            action = (intent, None)
        else:
            return intent, found
    new_intent, status = action
    if new_intent is intent and status is None and entities.extract_bare_id(text) is not None:
        return intent, found  # the parser reads "#40 and #41" itself
    ids = found.allocation_ids or (number,)
    found = replace(
        found,
        allocation_id=number,
        allocation_ids=ids,
        status=status or found.status,
    )
    return new_intent, found
