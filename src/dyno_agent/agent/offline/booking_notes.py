"""Notes and references in the offline model: exact phrasings, English and German.

- "add a note to booking 12: waiting for tyres", "note on 12 - call Kim", "Notiz zu Buchung 12:
  warten auf Reifen", "schreib zu Buchung 12: ..." -> `add_booking_note` (appends; loses nothing).
- "set ref WO-4471 on 12", "Setze Referenz WO-4471 für Buchung 12" -> `add_booking_note` (refused
  when another reference is set; the answer says how to replace it).
- "change the note/reference on 12 to ...", "clear the note on 12", "ändere die Referenz von
  Buchung 12 auf WO-5000" -> `replace_booking_note` (the graph asks the user first).
- "which bookings mention tyres", "any bookings with ref WO-4471?", "search the notes for tyres",
  "Welche Buchungen erwähnen Reifen?" -> `search_booking_notes`.

The text after the booking is the note, taken as typed: it is data for the tool, never read for
what else it might ask.
"""

from __future__ import annotations

import re
from typing import Any

_I = re.IGNORECASE
_ID = (
    r"(?:(?:the\s+|der\s+|die\s+)?(?:book\w*|alloc\w*|reserv\w*|buchung\w*|termin)\s*"
    r"(?:no\.?|nr\.?|number|nummer)?\s*)?#?\s*(?P<id>\d{1,9})\b"
)
_REF = r"(?P<ref>(?=[A-Za-z0-9._/#:-]*\d)[A-Za-z0-9][A-Za-z0-9._/#:-]*)"
_SEP = r"\s*(?:[:\-–—,=]|saying|that\s+says|lautet|mit\s+dem\s+text)?\s*"
_TEXT = r"(?P<text>\S.*)"
_NOTE_WORD = r"(?:note|comment|remark|notiz|anmerkung|kommentar|vermerk|hinweis)"
_REF_WORD = (
    r"(?:ref(?:erence)?|work\s*order|wo|test\s+request|job|referenz|auftragsnummer|auftrag|"
    r"arbeitsauftrag|prüfauftrag|wo-nummer)(?:\s*(?:number|no\.?|nr\.?|id|#|nummer))?"
)
_TO = r"\s+(?:to|with|as|auf|durch|in|zu|mit)\s*:?\s*"
_ON = r"\s+(?:on|to|for|in|at|of|from|zu[rm]?|für|an|bei|auf|von|in)\s+"

_ADD_NOTE = [
    re.compile(
        rf"\b(?:add|put|write|leave|attach|append|pin|drop|make)\s+(?:a\s+|the\s+|this\s+)?"
        rf"{_NOTE_WORD}s?{_ON}{_ID}{_SEP}{_TEXT}",
        _I | re.DOTALL,
    ),
    re.compile(
        rf"^\W*(?:please\s+|pls\s+|bitte\s+)?{_NOTE_WORD}{_ON}{_ID}{_SEP}{_TEXT}", _I | re.DOTALL
    ),
    re.compile(
        rf"\b(?:füge?|schreib(?:e)?|trag(?:e)?|notier(?:e)?|ergänze?|vermerke?)\s+(?:bitte\s+)?"
        rf"(?:(?:eine\s+|die\s+)?{_NOTE_WORD}\s+)?(?:zu[rm]?|bei|an|für|in)\s+{_ID}\s*"
        rf"(?:(?:eine\s+|die\s+)?{_NOTE_WORD}\s+)?(?:hinzu\s*|ein\s*)?[:\-–—]\s*{_TEXT}",
        _I | re.DOTALL,
    ),
]
_REPLACE_NOTE = [
    re.compile(
        rf"\b(?:replace|change|update|set|overwrite|edit|ändere|ersetze|aktualisiere|setze)\s+"
        rf"(?:the\s+|die\s+)?{_NOTE_WORD}{_ON}{_ID}{_TO}{_TEXT}",
        _I | re.DOTALL,
    ),
]
_CLEAR_NOTE = re.compile(
    rf"\b(?:clear|remove|delete|erase|lösche|entferne)\s+(?:the\s+|die\s+)?{_NOTE_WORD}{_ON}{_ID}",
    _I,
)
_SET_REF = [
    re.compile(
        rf"\b(?:set|add|put|give|use|attach|assign|link|setze?|trage?|füge?|gib|hinterlege?)\s+"
        rf"(?:the\s+|a\s+|die\s+|eine\s+)?{_REF_WORD}\s*[:=]?\s*{_REF}{_ON}{_ID}",
        _I,
    ),
    re.compile(
        rf"\b(?:set|add|give|put|setze?|trage?)\s+(?:the\s+|die\s+)?{_REF_WORD}{_ON}{_ID}"
        rf"(?:\s+(?:to|as|auf|zu)|\s*[:=])\s*{_REF}",
        _I,
    ),
]
_REPLACE_REF = re.compile(
    rf"\b(?:change|update|replace|correct|fix|overwrite|ändere|ersetze|korrigiere|aktualisiere)\s+"
    rf"(?:the\s+|die\s+)?{_REF_WORD}{_ON}{_ID}{_TO}{_REF}",
    _I,
)
_Q = r"[\"'“„«]?(?P<q>[^\"'”“«»?!]+?)[\"'”“»]?"
_END = (
    r"(?:\s+(?:in\s+(?:the|their|den|ihren)\s+)?(?:notes?|notizen|refs?|references?))?\s*[?!.]*\s*$"
)
_SEARCH = [
    re.compile(
        r"\b(?:which|what|any|show(?:\s+me)?|list|find|are\s+there(?:\s+any)?)\s+(?:\w+\s+){0,2}?"
        r"(?:bookings?|allocations?|reservations?|tests?)\s+(?:\w+\s+){0,2}?"
        rf"(?:mention(?:s|ing)?|contain(?:s|ing)?|say(?:s|ing)?|referenc(?:e|es|ing))\s+{_Q}{_END}",
        _I,
    ),
    re.compile(
        r"\b(?:bookings?|allocations?|reservations?)\s+(?:with|having|that\s+have|tagged)\s+"
        r"(?:a\s+|the\s+)?(?:note|ref(?:erence)?|comment|work\s*order)s?\s+"
        rf"(?:that\s+says\s+|saying\s+|about\s+|containing\s+|mentioning\s+|of\s+)?{_Q}{_END}",
        _I,
    ),
    re.compile(
        r"\b(?:search|look\s+through|grep|find|check)\s+(?:in\s+)?(?:the\s+)?(?:booking\s+)?"
        rf"(?:notes|references|refs)\s+(?:for\s+)?{_Q}\s*[?!.]*\s*$",
        _I,
    ),
    re.compile(
        rf"\b(?:find|search(?:\s+for)?|look\s+for)\s+{_Q}\s+in\s+(?:the\s+)?(?:booking\s+)?"
        r"(?:notes|references|refs)\s*[?!.]*\s*$",
        _I,
    ),
    re.compile(
        r"\bwelche\s+(?:buchungen|reservierungen|tests|termine)\s+(?:\w+\s+){0,2}?"
        rf"(?:erwähnen|enthalten|nennen|betreffen)\s+{_Q}{_END}",
        _I,
    ),
    re.compile(
        r"\b(?:suche?|finde?|zeig(?:e)?)\s+(?:mir\s+)?(?:in\s+)?(?:den\s+|die\s+|alle\s+)?"
        r"(?:buchungen|notizen|buchungsnotizen|anmerkungen|referenzen)\s+"
        rf"(?:nach|mit(?:\s+(?:der\s+)?(?:notiz|referenz|anmerkung))?)\s+{_Q}{_END}",
        _I,
    ),
    re.compile(
        rf"^\W*(?:buchungen|reservierungen)\s+mit\s+(?:der\s+)?(?:notiz|referenz|anmerkung)\s+{_Q}{_END}",
        _I,
    ),
]
_QUOTES = "\"'“”„«»‚‘’"


def _note_text(raw: str) -> str:
    text = raw.strip()
    if len(text) > 1 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text


def call_for(text: str) -> tuple[str, dict[str, Any]] | None:
    """The notes tool and its arguments for a request about notes or references, else None."""
    for pattern in _REPLACE_NOTE:
        if match := pattern.search(text):
            note = _note_text(match["text"])
            return "replace_booking_note", {"allocation_id": int(match["id"]), "note": note}
    if match := _CLEAR_NOTE.search(text):
        return "replace_booking_note", {"allocation_id": int(match["id"]), "note": ""}
    if match := _REPLACE_REF.search(text):
        args = {"allocation_id": int(match["id"]), "reference": match["ref"]}
        return "replace_booking_note", args
    for pattern in _SET_REF:
        if match := pattern.search(text):
            return "add_booking_note", {
                "allocation_id": int(match["id"]),
                "reference": match["ref"],
            }
    for pattern in _ADD_NOTE:
        if match := pattern.search(text):
            note = _note_text(match["text"])
            if note:
                return "add_booking_note", {"allocation_id": int(match["id"]), "note": note}
    for pattern in _SEARCH:
        if match := pattern.search(text.strip()):
            query = match["q"].strip().strip(_QUOTES).strip()
            if query:
                return "search_booking_notes", {"text": query}
    return None
