"""What the offline model says, in the language of the request (texts in `catalogue`).

`respond` runs each turn inside `speaking(language)`; `say(key, **fields)` and the helpers below
then answer in that language (English outside a turn, e.g. in a direct call).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from dyno_agent.agent.offline.catalogue import MESSAGES, WORDS
from dyno_agent.agent.offline.language import DEFAULT, Language
from dyno_agent.agent.offline.markdown import a_test, text

_LANGUAGE: ContextVar[Language] = ContextVar("offline_model_language", default=DEFAULT)


@contextmanager
def speaking(language: Language) -> Iterator[None]:
    token = _LANGUAGE.set(language)
    try:
        yield
    finally:
        _LANGUAGE.reset(token)


def current() -> Language:
    return _LANGUAGE.get()


def say(key: str, /, **fields: Any) -> str:
    """The message `key` in the current language (English when it has no translation)."""
    entry = MESSAGES[key]
    return (entry.get(current()) or entry[DEFAULT]).format(**fields)


def words(key: str) -> tuple[str, ...]:
    entry = WORDS[key]
    return entry.get(current()) or entry[DEFAULT]


def count(n: int, noun: str) -> str:
    """ "1 day", "3 Tage", "0 jour" (French counts 0 and 1 as singular)."""
    singular, many = words(noun)
    one = n in (0, 1) if current() == "fr" else n == 1
    return f"{n} {singular if one else many}"


def test_phrase(test_type: Any) -> str:
    """A test of that type as a noun phrase: "a brake test", "brake-Test", "prueba de brake"."""
    return say("test", a_test=a_test(test_type), name=text(test_type))


def listed(items: Sequence[Any]) -> str:
    """ "11, 12 and 19" in the current language."""
    names = [str(item) for item in items]
    if len(names) < 2:
        return "".join(names)
    return say("and", first=", ".join(names[:-1]), last=names[-1])


def day(date: dt.date) -> str:
    """ "Monday 2026-03-09", "Montag, 2026-03-09"."""
    return say("day_date", weekday=words("weekdays")[date.weekday()], date=date.isoformat())
