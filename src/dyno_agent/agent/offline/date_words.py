"""Date phrases beyond plain English days: German, Spanish, Portuguese and French weekdays, dates
and "in N days" read with `dateparser` (its locale data gives the words, it resolves the dates),
plus the few exact rules dateparser has no notion of: parts of a month ("early May" = 1-10,
"mid May" = 11-20, "late May" = 21-end), "the last week of April" (its last seven days), halves
and quarters ("H2", "Q3": of this year, or of next year once ended), "a week from Friday" and
day-first numeric dates ("17.03.", "17.03.2026")."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache, lru_cache
from typing import Any

from dyno_agent.agent.offline import datemath as cal
from dyno_agent.agent.offline.date_tokens import _WEEKDAY, DateToken, finder
from dyno_agent.agent.offline.text import MAX_DAYS, NUMBER, to_int

LANGUAGES = ("de", "es", "pt", "fr")
_MONTH_KEYS = tuple(cal.MONTHS)
_ENGLISH = {*cal.MONTHS, *cal.MONTH_ABBREVIATIONS, *cal.WEEKDAYS}


@cache
def _dateparser() -> Any:
    """Imported on first use: dateparser takes a while to load its language data."""
    import dateparser

    return dateparser


def _locale_words(key: str, shortest: int) -> dict[str, str]:
    """word -> language, for one locale key ("monday", "march") in the four languages; short
    abbreviations and English words are left out (too easily another word)."""
    from dateparser.languages.loader import default_loader

    words: dict[str, str] = {}
    for language in LANGUAGES:
        for word in default_loader.get_locale(language).info.get(key, []):
            word = word.lower().rstrip(".")
            if len(word) >= shortest and word not in _ENGLISH and word.isalpha():
                words.setdefault(word, language)
    return words


def _alternation(words: dict[str, str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_WEEKDAY_WORDS = {k: _locale_words(k, 4) for k in cal.WEEKDAYS}
_MONTH_WORDS = {k: _locale_words(k, 3) for k in _MONTH_KEYS}
_FOREIGN_WEEKDAY = _alternation({w: k for d in _WEEKDAY_WORDS.values() for w, k in d.items()})
_FOREIGN_MONTH = _alternation({w: k for d in _MONTH_WORDS.values() for w, k in d.items()})
_NEXT = r"n[äa]chste[nrms]?|kommende[nrms]?|pr[óo]xim[oa]|prochaine?"
_NEXT_AFTER = r"prochaine?|que\s+viene|que\s+vem|pr[óo]xim[oa]"
_ARTICLE = r"(?:am|el|le|la|o|a|na|no)"


def _settings(today: dt.date) -> dict[str, Any]:
    return {
        "PREFER_DATES_FROM": "future",
        "RELATIVE_BASE": dt.datetime.combine(today, dt.time()),
        "DATE_ORDER": "DMY",
    }


@lru_cache(maxsize=1024)
def _parse(phrase: str, language: str, today: dt.date) -> dt.date | None:
    found = _dateparser().parse(phrase, languages=[language], settings=_settings(today))
    return found.date() if found else None


def _weekday_of(word: str) -> tuple[int, str]:
    word = word.lower()
    for index, key in enumerate(cal.WEEKDAYS):
        if word in _WEEKDAY_WORDS[key]:
            return index, _WEEKDAY_WORDS[key][word]
    raise KeyError(word)


def _month_of(word: str) -> tuple[int, str]:
    word = word.lower()
    for index, key in enumerate(_MONTH_KEYS, start=1):
        if word in _MONTH_WORDS[key]:
            return index, _MONTH_WORDS[key][word]
    raise KeyError(word)


@finder(
    rf"\b(?:(?P<mod>{_NEXT})\s+)?(?:{_ARTICLE}\s+)?(?P<w>{_FOREIGN_WEEKDAY})(?:-feira)?\b"
    rf"(?:\s+(?P<mod2>{_NEXT_AFTER})\b)?",
    2,
)
def _foreign_weekday(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """ "nächsten Montag", "el próximo lunes", "lundi prochain", "próxima segunda", "am Freitag"."""
    index, language = _weekday_of(m["w"])
    if m["mod"] or m["mod2"]:
        day: dt.date | None = cal.resolve_weekday(index, today, "next")
    else:
        day = _parse(m["w"], language, today)
    return DateToken(m.start(), m.end(), day, kind="weekday", roll="week") if day else None


@finder(
    r"(?<![\w/.#-])(?P<d>[0-3]?\d)\.?(?:\s*(?:-|al|a|bis|au|à)\s*(?P<d2>[0-3]?\d)\.?)?\s+"
    rf"(?:de\s+)?(?P<m>{_FOREIGN_MONTH})\b"
    rf"(?:\s+(?:de\s+)?(?P<y>20\d\d)\b)?",
    1,
)
def _foreign_day_month(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """ "17. März", "17 de marzo", "17 mars 2026", "17 de março", "del 17 al 20 de marzo"."""
    _, language = _month_of(m["m"])
    year = f" {m['y']}" if m["y"] else ""
    day = _parse(f"{m['d']} {m['m']}{year}", language, today)
    if day is None:
        return None
    if not m["d2"]:
        return DateToken(m.start(), m.end(), day, roll=None if m["y"] else "year")
    last = cal.safe_date(day.year, day.month, int(m["d2"]))
    if last and last > day:
        return DateToken(m.start(), m.end(), day, last, "range")
    # Not a range, so the first number is something else: "la reserva 31 al 25 de marzo".
    second = _parse(f"{m['d2']} {m['m']}{year}", language, today)
    if second is None:
        return None
    return DateToken(m.start("d2"), m.end(), second, roll=None if m["y"] else "year")


@finder(rf"\b(?:im|en|em|no\s+m[êe]s\s+de|au\s+mois\s+de)\s+(?P<m>{_FOREIGN_MONTH})\b", 3)
def _foreign_month(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """ "im Mai", "en mayo", "em maio", "au mois de mai": the whole month."""
    first, last = cal.resolve_month(_month_of(m["m"])[0], today)
    return DateToken(m.start(), m.end(), first, last, "period")


# dateparser reads German and French number words ("in drei Tagen"), not Spanish or Portuguese
# ones, and not "pasado mañana" / "depois de amanhã": these few it gets in its own words.
_IBERIAN_NUMBERS = {
    "un": 1, "uno": 1, "una": 1, "um": 1, "uma": 1, "dos": 2, "dois": 2, "duas": 2, "tres": 3,
    "três": 3, "cuatro": 4, "quatro": 4, "cinco": 5, "seis": 6, "siete": 7, "sete": 7, "ocho": 8,
    "oito": 8, "nueve": 9, "nove": 9, "diez": 10, "dez": 10, "catorce": 14, "catorze": 14,
}  # fmt: skip
_DAY_WORDS = {
    "en": r"(?:the\s+)?day\s+after\s+tomorrow|today|tonight|tomorrow|tmrw|yesterday",
    "de": r"übermorgen|heute|morgen|gestern",
    "es": r"pasado\s+mañana|hoy|mañana|ayer",
    "pt": r"depois\s+de\s+amanhã|hoje|amanhã|ontem",
    "fr": r"après-demain|aujourd'hui|demain|hier",
}
_DAY_ALIASES = {"tmrw": "tomorrow", "pasado mañana": "en 2 días", "depois de amanhã": "em 2 dias"}


@finder(r"\b(?:" + "|".join(f"(?P<{k}>{v})" for k, v in _DAY_WORDS.items()) + r")(?![\w'-])", 2)
def _named_day(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """ "tomorrow", "übermorgen", "mañana", "hoje", "après-demain"."""
    language = next(k for k in _DAY_WORDS if m[k])
    word = re.sub(r"\s+", " ", m[0].lower())
    phrase = _DAY_ALIASES.get(word, word)
    if phrase != word and phrase.startswith(("en ", "em ")):
        return _in_units(m, today, phrase.split()[0], "2", phrase.split()[2])
    day = _parse(phrase, language, today)
    return DateToken(m.start(), m.end(), day) if day else None


_UNITS = {
    "en": r"days?|weeks?|fortnights?|months?",
    "de": r"tagen?|wochen?|monaten?",
    "fr": r"jours?|semaines?|mois",
    "es": r"d[ií]as?|semanas?|mes(?:es)?",
}  # Portuguese "dias", "semanas", "meses" are spelled as Spanish without the accent
_ALL_UNITS = "|".join(_UNITS.values())


def _in_units(
    m: re.Match[str], today: dt.date, prefix: str, amount: str, unit: str
) -> DateToken | None:
    """ "in three days", "in drei Tagen", "dans trois jours", "en tres días", "em três dias",
    "3 days from now": dateparser reads the phrase; a number word it does not know, to_int or
    the Iberian table turns into digits first."""
    prefix = re.sub(r"\s+", " ", prefix.lower())
    unit_low = unit.lower()
    language = next(k for k, v in _UNITS.items() if re.fullmatch(v, unit_low))
    if language == "es" and prefix in ("em", "daqui a"):
        language = "pt"
    number = to_int(amount) or _IBERIAN_NUMBERS.get(amount.lower())
    if language == "en" and number is None:
        return None
    if number is not None:
        per = 31 if unit_low[:2] in ("mo", "me") else 14 if "fortnight" in unit_low else 1
        days = number * (7 if re.match(r"we|wo|se", unit_low) else per)
        if days > MAX_DAYS:
            return None
    lead = {"en": "in", "de": "in", "fr": "dans", "es": "dentro de", "pt": "em"}[language]
    if language == "en" and "fortnight" in unit_low:
        number, unit = (number or 0) * 2, "weeks"
    day = _parse(f"{lead} {number if number is not None else amount} {unit}", language, today)
    if day is None or day <= today:
        return None
    return DateToken(m.start(), m.end(), day)


@finder(
    rf"\b(?P<pre>in|dans|en|em|dentro\s+de|daqui\s+a)\s+(?P<n>{NUMBER}|\w+)\s+"
    rf"(?P<u>{_ALL_UNITS})(?:'?\s*time)?(?![\w'])",
    2,
)
def _in_n_units(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    return _in_units(m, today, m["pre"], m["n"], m["u"])


@finder(rf"\b(?P<n>{NUMBER})\s+(?P<u>days?|weeks?|fortnights?|months?)\s+from\s+(?:now|today)\b", 2)
def _units_from_now(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """ "3 days from now"."""
    return _in_units(m, today, "in", m["n"], m["u"])


_MONTH_NAME = "|".join(sorted([*cal.MONTHS, *cal.MONTH_ABBREVIATIONS], key=len, reverse=True))
_PARTS = {"early": (1, 10), "beginning": (1, 10), "start": (1, 10), "mid": (11, 20)}


@finder(
    r"\b(?P<p>early|beginning\s+of|start\s+of|mid|middle\s+of|late|end\s+of)[\s-]+"
    rf"(?P<m>{_MONTH_NAME})\b\.?(?:\s+(?P<y>20\d\d)\b)?",
    1,
)
def _part_of_month(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """ "early May" = May 1-10, "mid May" = 11-20, "late May" / "end of May" = 21-31."""
    month = cal.month_number(m["m"])
    first, last = cal.month_range(int(m["y"]), month) if m["y"] else cal.resolve_month(month, today)
    word = m["p"].split()[0].lower()
    if word in ("late", "end"):
        return DateToken(m.start(), m.end(), first.replace(day=21), last, "period")
    low, high = _PARTS["mid" if word == "middle" else word]
    return DateToken(m.start(), m.end(), first.replace(day=low), first.replace(day=high), "period")


_ORDINAL_WEEK = {"first": 0, "1st": 0, "second": 1, "2nd": 1, "third": 2, "3rd": 2}


@finder(
    r"\b(?:the\s+)?(?P<o>first|1st|second|2nd|third|3rd|last)\s+week\s+(?:of|in)\s+"
    rf"(?P<m>{_MONTH_NAME})\b\.?(?:\s+(?P<y>20\d\d)\b)?",
    1,
)
def _week_of_month(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """ "the first week of April" = April 1-7; "the last week of April" = its last seven days."""
    month = cal.month_number(m["m"])
    first, last = cal.month_range(int(m["y"]), month) if m["y"] else cal.resolve_month(month, today)
    if m["o"].lower() == "last":
        return DateToken(m.start(), m.end(), last - dt.timedelta(days=6), last, "period")
    start = first + dt.timedelta(weeks=_ORDINAL_WEEK[m["o"].lower()])
    return DateToken(m.start(), m.end(), start, start + dt.timedelta(days=6), "period")


@finder(r"(?<![\w#])(?P<k>[HhQq])(?P<n>[1-4])\b(?:\s+(?P<y>20\d\d)\b)?", 1)
def _half_or_quarter(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """ "H2" = July 1 - Dec 31, "Q3" = July 1 - Sep 30: this year's, or next year's once over."""
    size = 6 if m["k"].lower() == "h" else 3
    number = int(m["n"])
    if number * size > 12:
        return None
    year = int(m["y"]) if m["y"] else today.year
    first = dt.date(year, (number - 1) * size + 1, 1)
    last = cal.month_range(year, number * size)[1]
    if not m["y"] and last < today:
        first, last = first.replace(year=year + 1), cal.month_range(year + 1, number * size)[1]
    return DateToken(m.start(), m.end(), first, last, "period")


@finder(
    rf"\b(?P<n>{NUMBER})\s+(?P<u>days?|weeks?)\s+(?:from|after)\s+(?:(?:next|this)\s+)?"
    rf"(?P<w>{_WEEKDAY}|tomorrow)\b",
    1,
)
def _offset_from_day(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """ "a week from Friday" = the coming Friday plus seven days."""
    amount = to_int(m["n"])
    if amount is None or amount > 52:
        return None
    word = m["w"].lower()
    base = (
        today + dt.timedelta(days=1)
        if word == "tomorrow"
        else cal.resolve_weekday(cal.WEEKDAYS.index(word), today, None)
    )
    days = amount * (7 if m["u"].lower().startswith("week") else 1)
    return DateToken(m.start(), m.end(), base + dt.timedelta(days=days))


@finder(r"(?<![\w/.,#])(?P<d>[0-3]?\d)\.(?P<m>[01]?\d)\.(?P<y>(?:20)?\d\d)?(?![\d.])", 0)
def _day_first_numeric(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """ "17.03." and "17.03.2026": day first, as written in Germany, France and Iberia."""
    year = int(m["y"]) if m["y"] else None
    day = cal.resolve_numeric(int(m["m"]), int(m["d"]), year, today)
    return DateToken(m.start(), m.end(), day, roll=None if year else "year") if day else None


# "nächste Woche", "la semana que viene", "o mês passado", "cette semaine": a week or a month
# before, at or after this one. The modifier comes before the unit or after it.
_SHIFT_WORDS = (
    (
        1,
        r"n[äa]chste[nrs]?|kommende[nrs]?|pr[óo]xim[oa]|siguiente|prochaine?|que\s+viene|que\s+vem",
    ),
    (0, r"diese[nrs]?|est[ea]|cette|ce"),
    (-1, r"letzte[nrs]?|vergangene[nrs]?|pasad[oa]|passad[oa]|derni[eè]re?"),
)
_SHIFT = "|".join(words for _, words in _SHIFT_WORDS)
_PERIOD_UNIT = r"woche|semana|semaine|monat|mes|m[êe]s|mois"


@finder(
    rf"\b(?:(?P<m1>{_SHIFT})\s+(?P<u1>{_PERIOD_UNIT})|(?P<u2>{_PERIOD_UNIT})\s+(?P<m2>{_SHIFT}))\b",
    2,
)
def _foreign_period(m: re.Match[str], today: dt.date, text: str) -> DateToken | None:
    """The week or month named relative to this one, as a period."""
    modifier = (m["m1"] or m["m2"]).lower()
    shift = next(s for s, words in _SHIFT_WORDS if re.fullmatch(words, modifier, re.IGNORECASE))
    if (m["u1"] or m["u2"]).lower() in ("woche", "semana", "semaine"):
        first, last = cal.week_of(today + dt.timedelta(weeks=shift))
    else:
        start = cal.add_months(today.replace(day=1), shift)
        first, last = cal.month_range(start.year, start.month)
    return DateToken(m.start(), m.end(), first, last, "period")
