"""Match test types and dyno names against the live vocabularies passed in by the caller."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from dyno_agent.agent.offline.text import Span, normalize, pick_longest

_I = re.IGNORECASE
_SEP = r"[\s\-_/]*"
_GENERIC = {"test", "tests", "testing", "cert", "certification", "mileage", "run"}
_WORD_VARIANTS = {
    "cert": ("cert", "certs", "certification", "certifications", "certified"),
    "certification": ("certification", "certifications", "cert", "certs"),
    "evap": ("evap", "evaporative"),
    "coastdown": ("coastdown", "coast down", "coast-down"),
    "mileage": ("mileage", "miles", "mile"),
    "emissions": ("emissions", "emission"),
}
_DYNO_CUE_BEFORE = re.compile(r"\b(?:on|the|dyno|at|for)\s+$", _I)
_DYNO_CUE_AFTER = re.compile(r"^\s+dyno\b", _I)
_UNKNOWN_TEST = re.compile(
    r"\b(?:an?|the)\s+(?P<name>[a-z0-9][\w-]*(?:\s+[a-z0-9][\w-]*)?)\s+test(?:s|ing)?\b", _I
)
_NOT_A_TEST_NAME = {"new", "quick", "short", "long", "dyno", "full", "another", "second", "first"}
# Words close to a translated test word that are something else ("frei" is free, not "frein").
_NOT_A_TEST_NAME |= {"free", "frei", "freie", "freien", "freier", "freies", "freitag"}


def _fold(word: str) -> str:
    """Lower case without accents ("émissions" -> "emissions")."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(name: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", name.lower())


def _word(token: str) -> str:
    variants = _WORD_VARIANTS.get(token)
    if variants is None:
        singular = token[:-1] if token.endswith("s") and len(token) > 3 else token
        variants = (singular, singular + "s")
    alternatives = sorted(
        {re.escape(v).replace(r"\ ", _SEP).replace(r"\-", _SEP) for v in variants}
    )
    return "(?:" + "|".join(sorted(alternatives, key=len, reverse=True)) + ")"


def _phrase(tokens: list[str]) -> re.Pattern[str]:
    return re.compile(r"(?<![a-z0-9])" + _SEP.join(map(_word, tokens)) + r"(?![a-z0-9])", _I)


def _test_type_patterns(test_types: Sequence[str]) -> list[tuple[re.Pattern[str], str]]:
    """Each name, plus a short form without trailing generic words ("150k mileage" -> "150k",
    "4k certification" -> "4k") when that short form is unambiguous in the vocabulary."""
    patterns: list[tuple[re.Pattern[str], str]] = []
    shorts: dict[tuple[str, ...], list[str]] = {}
    for name in test_types:
        tokens = _tokens(name)
        if not tokens:
            continue
        patterns.append((_phrase(tokens), name))
        short = list(tokens)
        while len(short) > 1 and short[-1] in _GENERIC:
            short.pop()
        if short != tokens and short[0] not in _GENERIC:
            shorts.setdefault(tuple(short), []).append(name)
    full = {tuple(_tokens(name)) for name in test_types}
    for short_form, names in shorts.items():
        if len(names) == 1 and short_form not in full:
            patterns.append((_phrase(list(short_form)), names[0]))
    return patterns


def find_test_types(text: str, test_types: Sequence[str]) -> list[tuple[str, Span]]:
    """Vocabulary test types named in the text, in order, longest match first on overlaps."""
    text = normalize(text)
    matches = [
        (m.start(), m.end(), 0, name)
        for pattern, name in _test_type_patterns(test_types)
        for m in pattern.finditer(text)
    ]
    found: list[tuple[str, Span]] = []
    for start, end, name in pick_longest(matches):
        if all(name != seen for seen, _ in found):
            found.append((str(name), (start, end)))
    return found or fuzzy_test_types(text, test_types)


# The distinctive word of a test type in German, Spanish, Portuguese and French (accents folded),
# matched like a misspelling of it: "Bremstest", "frenos", "freinage" -> brake.
FOREIGN_TEST_WORDS = {
    "brake": (
        "bremse", "bremsen", "bremstest", "bremsprufung", "freno", "frenos", "frenado",
        "freio", "freios", "frenagem", "frein", "freins", "freinage",
    ),
    "emissions": (
        "abgas", "abgastest", "emissionen", "emisiones", "emision", "emissoes", "emissao",
        "emission",
    ),
    "evap": ("verdunstung", "verdunstungstest", "evaporacion", "evaporacao", "evaporation"),
    "durability": (
        "dauerlauf", "dauertest", "haltbarkeit", "durabilidad", "durabilidade", "endurance",
    ),
    "coastdown": ("ausrolltest", "ausrollen", "ausroll", "desaceleracion", "desaceleracao"),
}  # fmt: skip
# How close a misspelt word must be to a vocabulary word (rapidfuzz ratio, 0-100): "brak" (89),
# "emisions" (94), "Emissionen" (84) and "emissões" (82) match; "break" (80) is not "brake".
FUZZY_CUTOFF = 82
_WORD = re.compile(r"[^\W\d_][\w-]{3,}")


def fuzzy_test_types(text: str, test_types: Sequence[str]) -> list[tuple[str, Span]]:
    """Misspelt or foreign test types ("emisions", "brak test", "durabilty", "Bremstest"): each
    word of four letters or more against the distinctive word of each name (and its translations),
    by rapidfuzz; used when nothing matched exactly."""
    keys: dict[str, str] = {}
    for name in test_types:
        words = [w for w in _tokens(name) if w not in _GENERIC and len(w) >= 4]
        if len(words) == 1 and (words[0] not in keys or words[0] == name.lower()):
            keys[words[0]] = name  # "durability" itself before "not cert-durability"
    for word, name in list(keys.items()):
        for foreign in FOREIGN_TEST_WORDS.get(word, ()):
            keys.setdefault(foreign, name)
    found: list[tuple[str, Span]] = []
    for match in _WORD.finditer(normalize(text)):
        word = _fold(match.group(0))
        if word in _GENERIC or word in _NOT_A_TEST_NAME:
            continue
        best = process.extractOne(word, list(keys), scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best is not None and all(keys[best[0]] != seen for seen, _ in found):
            found.append((keys[best[0]], match.span()))
    return found


def extract_test_type(text: str, test_types: Sequence[str]) -> str | None:
    found = find_test_types(text, test_types)
    return found[0][0] if found else None


def extract_unknown_test_type(text: str) -> str | None:
    """ "a noise test" when "noise" is not in the vocabulary: reported, never booked."""
    for match in _UNKNOWN_TEST.finditer(normalize(text)):
        name = re.sub(r"\s+", " ", match["name"]).lower()
        if name.split()[0] not in _NOT_A_TEST_NAME:
            return name
    return None


def find_dynos(text: str, dyno_names: Sequence[str]) -> list[tuple[str, Span]]:
    """Dyno names in any spacing or case ("mpg 3", "MPG3", "trp 1", "TRP#1"). A plain-word name
    such as "Track" needs a capital or a cue ("on the track", "track dyno")."""
    text = normalize(text)
    matches: list[tuple[int, int, int, object]] = []
    for name in dyno_names:
        chunks = re.findall(r"[a-z]+|\d+", name.lower())
        if not chunks:
            continue
        pattern = re.compile(
            r"(?<![a-z0-9])" + r"[\s#\-_]*".join(map(re.escape, chunks)) + r"(?![a-z0-9])", _I
        )
        plain_word = len(chunks) == 1 and chunks[0].isalpha()
        for m in pattern.finditer(text):
            if plain_word and not (
                m.group(0)[0].isupper()
                or _DYNO_CUE_BEFORE.search(text[: m.start()])
                or _DYNO_CUE_AFTER.match(text[m.end() :])
            ):
                continue
            matches.append((m.start(), m.end(), 0, name))
    found = [(str(name), (start, end)) for start, end, name in pick_longest(matches)]
    return found or fuzzy_dynos(text, dyno_names)


_LETTERS_NUMBER = re.compile(r"(?<![\w#])(?P<l>[a-z]{3,4})[\s#\-_]*(?P<n>\d{1,3})(?![\w.,])", _I)


def fuzzy_dynos(text: str, dyno_names: Sequence[str]) -> list[tuple[str, Span]]:
    """A dyno name with one letter wrong, missing, extra or swapped ("MGP 3", "TPR 1"), its number
    exact; only for names of letters and a number."""
    shapes: dict[tuple[str, str], str] = {}
    for name in dyno_names:
        chunks = re.findall(r"[a-z]+|\d+", name.lower())
        if len(chunks) == 2 and chunks[0].isalpha() and len(chunks[0]) >= 3:
            shapes[(chunks[0], chunks[1])] = name
    found: list[tuple[str, Span]] = []
    for match in _LETTERS_NUMBER.finditer(normalize(text)):
        letters, number = match["l"].lower(), str(int(match["n"]))
        near = [
            name
            for (head, digits), name in shapes.items()
            if digits == number and letters[0] == head[0] and OSA.distance(letters, head) <= 1
        ]
        if len(near) == 1:
            found.append((near[0], match.span()))
    return found


def extract_dyno(text: str, dyno_names: Sequence[str]) -> str | None:
    found = find_dynos(text, dyno_names)
    return found[0][0] if found else None
