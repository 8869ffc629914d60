"""Identifiers and vehicle facts: VINs, vehicle/allocation ids, weights, drive types, statuses."""

from __future__ import annotations

import re
import unicodedata

from rapidfuzz import fuzz, process

from dyno_agent.agent.offline.text import Span, normalize
from dyno_agent.errors import InvalidInput
from dyno_agent.scheduling import vocab

_I = re.IGNORECASE
_VIN = re.compile(r"(?<![A-Za-z0-9])[A-HJ-NPR-Z0-9]{17}(?![A-Za-z0-9])", _I)
_VIN_LABELLED = re.compile(r"\bvin\b\s*(?:#|:|=|number|no\.?)?\s*([A-Za-z0-9-]{4,30})\b", _I)
_VIN_LOOKALIKE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{17}(?![A-Za-z0-9])")
_REF = (
    r"[\s_]*(?:id|number|num|no\.?)?\s*(?:#|:|=)?\s*(?P<id>\d{1,9})\b"
    r"(?![.,]\d|\s*(?:lbs?|pounds|kg|k)\b)"
)
_VEHICLE = re.compile(rf"\b(?:vehicle|car|truck|veh)s?(?:'s)?{_REF}", _I)
_ALLOCATION = re.compile(
    rf"\b(?:booking|allocation|reservation|alloc|appointment|slot)s?{_REF}", _I
)
_HASH_ID = re.compile(
    r"(?<![\w#])#\s*(?P<id>\d{1,9})\b|\b(?:cancel|reschedule|move|delete)\s+(?P<bare>\d{1,9})\b", _I
)
_DYNO_ID = re.compile(rf"\bdyno{_REF}", _I)

_NUMBER = r"(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_WEIGHT_UNIT = re.compile(
    rf"(?<![\w.,/<>]){_NUMBER}\s*(?P<k>k)?\s*-?\s*(?P<unit>lbs?|pounds?|kgs?|kilograms?|kilos?)\b",
    _I,
)
_WEIGHT_K = re.compile(
    rf"(?<![\w.,/<>=]){_NUMBER}\s?(?P<k>k)\b(?!\s*(?:mi\b|miles?|mileage|km|cert|certification))",
    _I,
)
_WEIGHT_WORD = re.compile(
    rf"\b(?:weigh(?:s|ing)?|weight(?:\s+of)?|gvwr?|test\s+weight|inertia(?:\s+weight)?)"
    rf"\s*(?:is|of|=|:)?\s*(?:about|around|approx\.?|~)?\s*{_NUMBER}\s*(?P<k>k)?\b",
    _I,
)
# Metric weights: kilograms in five languages (a "k" before them is a thousand) and tonnes, with
# a decimal comma or point ("2,5 t", "1.8 tonnes"); "ton(s)" alone is left out (short or metric?).
_KG_PER_UNIT = {"kg": 1, "t": 1000}
_WEIGHT_METRIC = re.compile(
    r"(?<![\w.,/<>])(?P<num>\d+(?:[.,]\d{1,3})?)\s*-?\s*(?P<unit>t|tonnes?|tonnen|toneladas?|"
    r"metric\s+tons?|kilogramm?[eoa]?s?|quilogramas?|quilos?)(?![\w-])",
    _I,
)
_BOUND = r"(?:<=?|>=?|\bunder|\bbelow|\bless\s+than|\bover|\babove|\bmore\s+than)"
_BOUND_BEFORE = re.compile(rf"{_BOUND}\s*$", _I)
_WEIGHT_CLASS = re.compile(rf"(?P<op>{_BOUND})\s*10\s*(?:k|,?000)\b", _I)

_DRIVE = [
    (re.compile(p, _I), value)
    for p, value in (
        (r"\b(?:rwd|fwd|awd)\s*/\s*(?:rwd|fwd|awd)\b", None),
        (r"\ball[\s-]*wheel[\s-]*drive\b", "AWD"),
        (r"\b(?:four|4)[\s-]*wheel[\s-]*drive\b", "4WD"),
        (r"\b(?:two|2)[\s-]*wheel[\s-]*drive\b", "2WD"),
        (r"\b(?:front|rear)[\s-]*wheel[\s-]*drive\b", "2WD"),
        (r"\b[24]\s*wd\b|\b(?:awd|fwd|rwd)\b|\b4\s*x\s*[24]\b", None),
        # German, Spanish, Portuguese and French names of the drive layouts.
        (
            r"\ballrad(?:antrieb)?\b|\btracci[oó]n\s+(?:total|integral)\b|"
            r"\btra[cç][aã]o\s+(?:total|integral)\b|\b(?:transmission\s+)?int[ée]grale\b|"
            r"\bquatre\s+roues\s+motrices\b",
            "AWD",
        ),
        (
            r"\b(?:heck|front)(?:antrieb|triebler)\b|\btracci[oó]n\s+(?:delantera|trasera)\b|"
            r"\btra[cç][aã]o\s+(?:dianteira|traseira)\b|\bpropulsion\b|\btraction\s+avant\b|"
            r"\bdeux\s+roues\s+motrices\b",
            "2WD",
        ),
    )
]
_STATUSES = [
    (re.compile(p, _I), status)
    for p, status in (
        (r"\bcancel+ed\b", "cancelled"),
        # The same statuses in German, Spanish, Portuguese and French.
        (r"\b(?:storniert|cancelad[oa]s?|annul[ée]e?s?)\b", "cancelled"),
        (
            r"\b(?:l[äa]uft|laufen(?:de?n?)?|en\s+curso|em\s+(?:andamento|curso)|en\s+cours)\b",
            "running",
        ),
        (
            r"\b(?:abgeschlossen|fertig|erledigt|terminad[oa]s?|completad[oa]s?|conclu[íi]d[oa]s?|"
            r"finalizad[oa]s?|termin[ée]e?s?|achev[ée]e?s?)\b",
            "completed",
        ),
        (r"\b(?:versp[äa]tet|im\s+verzug|retrasad[oa]s?|atrasad[oa]s?|en\s+retard)\b", "delayed"),
        (
            r"\b(?:geplant|programad[oa]s?|agendad[oa]s?|pr[ée]vu(?:e|s|es)?|planifi[ée]e?s?)\b",
            "scheduled",
        ),
        (r"\b(?:in[\s-]progress|ongoing|underway|running|currently\s+on)\b", "running"),
        (r"\b(?:completed?|finished|done)\b", "completed"),
        (r"\b(?:delayed|late|overdue|behind\s+schedule)\b", "delayed"),
        (r"\b(?:scheduled|upcoming|planned|pending)\b", "scheduled"),
    )
]
_INCLUDE_DISABLED = re.compile(
    r"(?<!not\s)(?<!non-)(?<!except\s)(?<!excluding\s)(?<!without\s)\bdisabled\b", _I
)


def find_vin(text: str) -> tuple[str, Span] | None:
    """A VIN (17 letters and digits, no I/O/Q, at least one of each), upper-cased."""
    for match in _VIN.finditer(normalize(text)):
        token = match.group(0)
        if re.search(r"\d", token) and re.search(r"[A-Za-z]", token):
            return token.upper(), match.span()
    return None


def extract_vin(text: str) -> str | None:
    found = find_vin(text)
    return found[0] if found else None


def extract_invalid_vin(text: str) -> str | None:
    """Something given as a VIN that is not one ("VIN 12345", 17 characters with an O)."""
    text = normalize(text)
    if find_vin(text):
        return None
    labelled = _VIN_LABELLED.search(text)
    if labelled:
        return labelled.group(1).upper()
    for match in _VIN_LOOKALIKE.finditer(text):
        token = match.group(0)
        if re.search(r"\d", token) and re.search(r"[A-Za-z]", token):
            return token.upper()
    return None


def _find_id(pattern: re.Pattern[str], text: str) -> tuple[int, Span] | None:
    match = pattern.search(normalize(text))
    return (int(match["id"]), match.span()) if match else None


# A noun written loosely before an id ("vhcl 9", "vehical 9", "Fahrzeug 9", "vehículo 9",
# "bookng 33", "Buchung 33"): the closest of these words by rapidfuzz, if close enough.
_NOUNS = {
    "vehicle": ("vehicle", "vehiculo", "veiculo", "vehicule", "fahrzeug", "auto", "coche", "carro"),
    "booking": ("booking", "allocation", "reservation", "buchung", "reserva", "reservierung"),
}
NOUN_CUTOFF = 70
_NOUN_ID = re.compile(
    # One run of spaces before the id, or one on each side of a "#"/"nr." prefix: two `\s*` in a row
    # would try every split of a long run of spaces (quadratic).
    r"(?<![\w#])(?P<w>[^\W\d_]{3,14})\.?\s*(?:(?:#|nr\.?|n[ºo°]\.?)\s*)?(?P<id>\d{1,9})\b"
    r"(?![.,]\d|\s*(?:lbs?|pounds|kg|k|t|days?|weeks?)\b)",
    _I,
)


def _fold(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(c)
    )


def _fuzzy_id(kind: str, text: str) -> tuple[int, Span] | None:
    found = _fuzzy_ids(kind, text)
    return found[0] if found else None


def _fuzzy_ids(kind: str, text: str) -> list[tuple[int, Span]]:
    hits = []
    for match in _NOUN_ID.finditer(normalize(text)):
        word = _fold(match["w"])
        best = {
            noun: process.extractOne(word, words, scorer=fuzz.ratio, score_cutoff=NOUN_CUTOFF)
            for noun, words in _NOUNS.items()
        }
        scores = {noun: hit[1] for noun, hit in best.items() if hit is not None}
        if scores and max(scores, key=lambda noun: scores[noun]) == kind:
            hits.append((int(match["id"]), match.span()))
    return hits


def find_vehicle_id(text: str) -> tuple[int, Span] | None:
    return _find_id(_VEHICLE, text) or _fuzzy_id("vehicle", text)


def extract_vehicle_id(text: str) -> int | None:
    """ "vehicle 42", "vehicle #42", "car #23", "vehicle id 7" -> the id."""
    found = find_vehicle_id(text)
    return found[0] if found else None


def find_allocation_id(text: str) -> tuple[int, Span] | None:
    return _find_id(_ALLOCATION, text) or _fuzzy_id("booking", text)


def extract_allocation_id(text: str) -> int | None:
    """ "booking 17", "allocation #17", "reservation 17" -> the id."""
    found = find_allocation_id(text)
    return found[0] if found else None


# More ids after the first one: "vehicles 11, 12 and 19", "Fahrzeuge 11 und 12", "#40 & #41";
# not a count, a date or a weight ("vehicle 5, 2 days", "vehicle 5, 9 march", "vehicle 5, 3/16").
_MONTH_START = (
    r"jan|feb|m[aä]r|apr|abr|may|mai|jun|jul|aug|ago|sep|set|oct|okt|out|nov|dec|dez|dic|ene|fev"
)
_MORE_ID = re.compile(
    r"\s*(?:,\s*(?:and\s+|und\s+|y\s+|e\s+|et\s+)?|&|\+|\s(?:and|und|y|e|et)\s)"
    r"\s*#?\s*(?P<id>\d{1,9})\b(?![./:-]\d|\s*(?:st|nd|rd|th|º|°|%)\b)"
    r"(?!\s*(?:lbs?|pounds?|kgs?|k|t|d|days?|tage?n?|d[ií]as?|jours?|wks?|weeks?|wochen?|semanas?|"
    r"h|hrs?|hours?|stunden?|pm|am|uhr)\b)"
    rf"(?!\s*\.?\s*(?:{_MONTH_START}))",
    _I,
)


def _more_ids(text: str, end: int) -> list[tuple[int, Span]]:
    """The ids listed right after the id that ends at `end`, with their spans."""
    found = []
    while match := _MORE_ID.match(text, end):
        found.append((int(match["id"]), match.span()))
        end = match.end()
    return found


def _all_ids(
    pattern: re.Pattern[str], kind: str, text: str
) -> tuple[tuple[int, ...], tuple[Span, ...]]:
    """Every id of one kind, in order without repeats, and the spans of those after the first."""
    text = normalize(text)
    firsts = [(int(m["id"]), m.span()) for m in pattern.finditer(text)]
    if not firsts:
        firsts = _fuzzy_ids(kind, text)
    ids: list[int] = []
    extra: list[Span] = []
    for value, span in firsts:
        more = _more_ids(text, span[1])
        extra += [s for _, s in more]
        ids += [v for v in (value, *(v for v, _ in more)) if v not in ids]
    return tuple(ids), tuple(extra)


def find_vehicle_ids(text: str) -> tuple[tuple[int, ...], tuple[Span, ...]]:
    """ "vehicles 11, 12 and 19" -> (11, 12, 19), and the spans of "12" and "19"."""
    return _all_ids(_VEHICLE, "vehicle", text)


def find_allocation_ids(text: str) -> tuple[tuple[int, ...], tuple[Span, ...]]:
    """ "bookings 40 and 41" -> (40, 41), and the span of "41"."""
    return _all_ids(_ALLOCATION, "booking", text)


def find_bare_ids(text: str) -> tuple[int, ...]:
    """ "cancel #40 and #41" -> (40, 41); only meaningful once the intent is known."""
    text = normalize(text)
    match = _HASH_ID.search(text)
    if not match:
        return ()
    ids = [int(match["id"] or match["bare"])]
    ids += [v for v, _ in _more_ids(text, match.end()) if v not in ids]
    return tuple(ids)


def extract_bare_id(text: str) -> int | None:
    """A "#17" or "cancel 17" without a noun; only meaningful once the intent is known."""
    match = _HASH_ID.search(normalize(text))
    return int(match["id"] or match["bare"]) if match else None


def extract_dyno_id(text: str) -> int | None:
    """ "dyno 3", "dyno #3", "dyno id 3" -> 3 (for dynos referred to by number)."""
    found = _find_id(_DYNO_ID, text)
    return found[0] if found else None


def _pounds(match: re.Match[str], unit: str) -> int:
    number = match["num"]
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number):
        number = number.replace(".", "")  # "1.500 kg": a thousands point, as written in Europe
    value = float(number.replace(",", "")) * (1000 if match["k"] else 1)
    if unit.lower().startswith("k"):
        value /= vocab.KG_PER_LB
    return round(value)


def _metric_pounds(match: re.Match[str]) -> int:
    value = float(match["num"].replace(",", "."))
    unit = "kg" if match["unit"].lower().startswith(("k", "q")) else "t"
    return round(value * _KG_PER_UNIT[unit] / vocab.KG_PER_LB)


def find_weight_lbs(text: str) -> tuple[int, Span] | None:
    """Weights in lb/lbs/pounds/kg (kg converted), "4.8k" and "weighing 4800"; bare "k" numbers
    only when they are a plausible vehicle weight (so "150k mileage" is not 150,000 lbs)."""
    text = normalize(text)
    for pattern in (_WEIGHT_UNIT, _WEIGHT_WORD, _WEIGHT_K):
        for match in pattern.finditer(text):
            if _BOUND_BEFORE.search(text[: match.start()]):
                continue  # "over 10,000 lbs" is a weight class, not a weight
            pounds = _pounds(match, match.groupdict().get("unit") or "lb")
            if pattern is not _WEIGHT_K or 500 <= pounds <= vocab.MAX_WEIGHT_LBS:
                return pounds, match.span()
    for match in _WEIGHT_METRIC.finditer(text):
        if not _BOUND_BEFORE.search(text[: match.start()]):
            return _metric_pounds(match), match.span()
    return None


def extract_weight_lbs(text: str) -> int | None:
    found = find_weight_lbs(text)
    return found[0] if found else None


def extract_weight_class(text: str) -> str | None:
    """ "<10k", "over 10,000" -> the weight class; a plain weight is classified by the domain."""
    match = _WEIGHT_CLASS.search(normalize(text))
    if not match:
        return None
    op = match["op"].lower()
    return "<10K" if op.startswith(("<", "under", "below", "less")) else ">10K"


def find_drive_type(text: str) -> tuple[str, Span] | None:
    text = normalize(text)
    for pattern, value in _DRIVE:
        if match := pattern.search(text):
            try:
                return vocab.normalize_drive_type(value or match.group(0)), match.span()
            except InvalidInput:
                continue
    return None


def extract_drive_type(text: str) -> str | None:
    """Drive types and synonyms (4x4, RWD/AWD, "all-wheel drive") -> `2WD`, `AWD` or `4WD`."""
    found = find_drive_type(text)
    return found[0] if found else None


def extract_status(text: str) -> str | None:
    text = normalize(text)
    for pattern, status in _STATUSES:
        if pattern.search(text):
            return status
    return None


def mentions_disabled(text: str) -> bool:
    return bool(_INCLUDE_DISABLED.search(normalize(text)))
