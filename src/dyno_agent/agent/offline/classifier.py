"""A character n-gram intent classifier trained from the committed multilingual example set.

Character n-grams match typos ("cancle", "emisions") and related words across languages
("réservation", "reserva", "reservation"); numbers are folded to "0" so an id or a date does not
decide the intent. The model is trained on first use (a few hundred examples, well under a
second) and kept for the life of the process; training is deterministic.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

EXAMPLES = "intent_examples.yaml"
DECLINE = "destructive_or_offtopic"  # `Intent.DECLINE` (intents imports this module)


@dataclass(frozen=True)
class Prediction:
    """Scores are a linear SVM's one-versus-rest margins: above 0 the class is more likely than
    the rest, and the further from 0 the surer."""

    intent: str  # an `Intent` value
    score: float  # the margin of `intent`, the highest
    runner_up: float  # the second highest margin
    decline: float  # the margin of a decline, whatever the first choice
    familiar: float  # cosine similarity to the closest example, 0-1: low for words never seen


def fold(text: str) -> str:
    """Lower case, no accents, every number "0", runs of spaces as one."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", re.sub(r"\d+", "0", plain)).strip()


def load_examples() -> dict[str, list[str]]:
    """The committed example set, per class: an `Intent` value, or `<value>/<group>` for a
    group of one intent trained as a class of its own."""
    raw = resources.files("dyno_agent.agent.offline.data").joinpath(EXAMPLES).read_text("utf-8")
    data = yaml.safe_load(raw)
    return {str(name): [str(text) for text in texts] for name, texts in data.items()}


@functools.cache
def _model() -> tuple[Any, Any]:
    """The fitted pipeline and the examples' vectors."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import make_pipeline
    from sklearn.svm import LinearSVC

    texts: list[str] = []
    labels: list[str] = []
    for intent, examples in load_examples().items():
        texts += [fold(text) for text in examples]
        labels += [intent] * len(examples)
    model = make_pipeline(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        LinearSVC(C=1.0),
    )
    model.fit(texts, labels)
    return model, model[0].transform(texts)


def predict(text: str) -> Prediction:
    """The most likely intent of a message, with its margin, the next one and a decline's."""
    model, examples = _model()
    folded = [fold(text)]
    scores = [float(score) for score in model.decision_function(folded)[0]]
    best: dict[str, float] = {}
    for name, score in zip(model.classes_, scores, strict=True):
        intent = str(name).split("/")[0]  # "destructive_or_offtopic/secrets" is a decline
        best[intent] = max(score, best.get(intent, score))
    ranked = sorted(best, key=lambda name: best[name], reverse=True)
    similarity = examples @ model[0].transform(folded).T  # rows are unit vectors
    familiar = float(similarity.max()) if similarity.nnz else 0.0
    return Prediction(ranked[0], best[ranked[0]], best[ranked[1]], best[DECLINE], familiar)
