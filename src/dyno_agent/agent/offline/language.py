"""Which language a user writes in: English, German, Spanish, Portuguese or French.

A character n-gram classifier (scikit-learn) trained on first use from the committed sentences in
`data/language_examples.txt`; n-grams keep typos and missing accents recognisable. Ids, dates,
VINs, dyno names and numbers carry no language and are removed first. A message with nothing left
but such tokens or a bare "yes"/"ok" has no language of its own (`detect` gives None): the
conversation's earlier human turns decide, and English when there are none or when unsure.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Literal, cast

from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.naive_bayes import MultinomialNB
from sklearn.pipeline import Pipeline, make_pipeline

Language = Literal["en", "de", "es", "pt", "fr"]
LANGUAGES: tuple[Language, ...] = ("en", "de", "es", "pt", "fr")
DEFAULT: Language = "en"
EXAMPLES = Path(__file__).parent / "data" / "language_examples.txt"
# Below this probability the message is not clearly in one language: the conversation decides.
# Another language than English must be clearer (lab words such as "maintenance" are shared).
MIN_CONFIDENCE = 0.5
MIN_OTHER_CONFIDENCE = 0.6

# Tokens without a language: ids ("#40", "5"), dates ("2026-03-09", "17.03.", "3/16"), VINs,
# dyno names ("MPG 3", "VTS #1"), weights and durations in digits ("2000kg", "48h").
_NEUTRAL = re.compile(
    r"\b[A-HJ-NPR-Z0-9]{17}\b|"
    r"\b(?:MPG|VTS|AWD|4WD|2WD|4x4|VIN|ID)\b|"
    r"#\s*\d+|\d+(?:[./:-]\d+)*[./]?(?:st|nd|rd|th|h|d|kg|lbs?|t)?\b",
    re.IGNORECASE,
)
# Words that answer a question in any of the five languages and so say nothing about which one.
_ANSWER_WORDS = frozenset(
    {"yes", "no", "ok", "okay", "yep", "nope", "sure", "ja", "nein", "jo", "si", "sí", "vale",
     "não", "nao", "sim", "oui", "non", "d'accord", "bitte", "please", "por", "favor", "thx"}
)  # fmt: skip
# Punctuation says little and short messages are mostly punctuation ("¿" and "¡" are kept).
_PUNCTUATION = re.compile(r"[^\w\s'¿¡-]")
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_MIN_LETTERS = 3


def _examples(lines: Iterable[str]) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        label, _, sentence = line.partition("|")
        texts.append(sentence.strip())
        labels.append(label.strip())
    return texts, labels


@functools.cache
def _training() -> tuple[list[str], list[str]]:
    return _examples(EXAMPLES.read_text(encoding="utf-8").splitlines())


@functools.cache
def _vocabulary() -> dict[str, frozenset[str]]:
    """The words of each language's example sentences."""
    words: dict[str, set[str]] = {language: set() for language in LANGUAGES}
    for sentence, label in zip(*_training(), strict=True):
        words[label].update(_WORD.findall(sentence.lower()))
    return {language: frozenset(found) for language, found in words.items()}


@functools.cache
def _classifier() -> Pipeline:
    texts, labels = _training()
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), lowercase=True, sublinear_tf=True),
        MultinomialNB(alpha=0.1),
    )
    model.fit([_cleaned(t) for t in texts], labels)
    return model


def _cleaned(text: str, ignore: Iterable[str] = ()) -> str:
    text = unicodedata.normalize("NFC", text.replace("\u2019", "'"))
    for name in sorted(ignore, key=len, reverse=True):
        text = re.sub(rf"(?<!\w){re.escape(name)}(?!\w)", " ", text, flags=re.IGNORECASE)
    return " ".join(_PUNCTUATION.sub(" ", _NEUTRAL.sub(" ", text)).split())


def _has_words(cleaned: str) -> bool:
    words = [w for w in _WORD.findall(cleaned.lower()) if w not in _ANSWER_WORDS]
    return sum(len(w) for w in words) >= _MIN_LETTERS


def scores(text: str, ignore: Iterable[str] = ()) -> dict[str, float]:
    """The probability of each language (all zero when the message has no words of its own);
    `ignore`: names that belong to no language (test types, dyno names)."""
    cleaned = _cleaned(text, ignore)
    if not _has_words(cleaned):
        return dict.fromkeys(LANGUAGES, 0.0)
    model = _classifier()
    probabilities = model.predict_proba([cleaned])[0]
    return {str(label): float(p) for label, p in zip(model.classes_, probabilities, strict=True)}


def detect(text: str, ignore: Iterable[str] = ()) -> Language | None:
    """The message's language, or None when it has none of its own or is not clear."""
    ranked = scores(text, ignore)
    best = max(ranked, key=lambda language: ranked[language])
    needed = MIN_CONFIDENCE if best == DEFAULT else MIN_OTHER_CONFIDENCE
    if ranked[best] < needed:
        return None
    words = _WORD.findall(_cleaned(text, ignore).lower())
    if len(words) == 1 and words[0] not in _vocabulary()[best]:
        return None  # one word the examples never use ("banana", a name): no evidence
    return cast(Language, best)


def conversation_language(texts: Sequence[str], ignore: Iterable[str] = ()) -> Language:
    """The language of the latest message that has one (the user's messages, oldest first)."""
    names = tuple(ignore)
    for text in reversed(texts):
        language = detect(text, names)
        if language is not None:
            return language
    return DEFAULT
