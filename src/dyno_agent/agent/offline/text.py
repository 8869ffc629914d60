"""Text helpers for the offline parser: length-preserving normalisation, masking, number words."""

from __future__ import annotations

import re
from collections.abc import Iterable

Span = tuple[int, int]
# Longer durations and offsets are not plausible requests; they are ignored rather than overflow.
MAX_DAYS = 3660

_UNITS = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
]  # fmt: skip
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70}


def _number_words() -> dict[str, int]:
    words = {word: value for value, word in enumerate(_UNITS)}
    for tens, value in _TENS.items():
        words[tens] = value
        for unit in range(1, 10):
            words[f"{tens}-{_UNITS[unit]}"] = value + unit
    words.update({"a": 1, "an": 1, "a couple of": 2, "a couple": 2, "couple of": 2, "a dozen": 12})
    return words


NUMBER_WORDS = _number_words()
# Longest first so that "twenty one" wins over "twenty"; compound words accept a space or a hyphen.
NUMBER = (
    r"(?:\d+|"
    + "|".join(
        re.escape(word).replace(r"\-", r"[\s-]").replace(r"\ ", r"\s+")
        for word in sorted(NUMBER_WORDS, key=len, reverse=True)
    )
    + r")"
)

# One character in, one character out, so spans found in normalised text fit the original.
_TRANSLATION = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u2013": "-", "\u2014": "-", "\u2212": "-", "\u00a0": " "}
)


def normalize(text: str) -> str:
    return text.translate(_TRANSLATION)


def to_int(token: str) -> int | None:
    """`"12"`, `"twelve"`, `"twenty one"`, `"a"` -> the number, else None."""
    token = token.strip().lower()
    if token.isdigit():
        return int(token)
    return NUMBER_WORDS.get(re.sub(r"[\s-]+", "-", token)) or NUMBER_WORDS.get(
        re.sub(r"\s+", " ", token)
    )


def mask(text: str, spans: Iterable[Span]) -> str:
    """Blank out spans (same length) so later extractors cannot read them twice."""
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def pick_longest(matches: Iterable[tuple[int, int, int, object]]) -> list[tuple[int, int, object]]:
    """Non-overlapping matches `(start, end, priority, value)`: longest first, then lower priority
    number, then earliest; returned in text order without the priority."""
    chosen: list[tuple[int, int, object]] = []
    for start, end, _, value in sorted(matches, key=lambda m: (m[0] - m[1], m[2], m[0])):
        if all(end <= s or start >= e for s, e, _ in chosen):
            chosen.append((start, end, value))
    return sorted(chosen, key=lambda m: m[0])
