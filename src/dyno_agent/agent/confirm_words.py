"""A pending confirmation answered in words ("yes", "ja", "sí", "sim", "oui", "no", "nein",
"non", "não", "leave it"). Only a message that is nothing but such an answer counts; anything
else ("yes, but on Friday", "cancel") is a new request and the question is closed unanswered, so a
doubtful reply never approves. "never mind" stays a new message (it may start one)."""

from __future__ import annotations

import re
import unicodedata

_YES = {
    "yes", "y", "yep", "yeah", "yup", "ok", "okay", "sure", "confirm", "confirmed", "approve",
    "approved", "go ahead", "do it", "yes please", "please do", "correct",
    "ja", "jawohl", "ja bitte", "genau", "bestatigt", "mach das", "passt",
    "si", "si por favor", "claro", "vale", "de acuerdo", "confirmo", "adelante", "hazlo",
    "sim", "sim por favor", "pode", "pode ser", "confirmado", "certo", "isso",
    "oui", "oui merci", "d'accord", "vas-y", "allez-y", "je confirme", "ok merci",
}  # fmt: skip
_NO = {
    "no", "n", "nope", "no thanks", "don't", "dont", "do not", "leave it", "leave it as is",
    "forget it", "reject", "rejected", "decline", "stop", "abort",
    "nein", "nein danke", "lass es", "lieber nicht", "doch nicht", "abbrechen",
    "no gracias", "dejalo", "mejor no", "no lo hagas",
    "nao", "nao obrigado", "deixa", "deixa estar", "melhor nao",
    "non", "non merci", "laisse", "laisse tomber", "surtout pas",
}  # fmt: skip


def read_answer(text: str) -> bool | None:
    """True for a yes, False for a no, None when the text is anything else."""
    folded = "".join(
        c
        for c in unicodedata.normalize("NFKD", text.lower().replace("\u2019", "'"))
        if not unicodedata.combining(c)
    )
    words = re.sub(r"[^\w' -]+", " ", folded).replace("-", " ")
    phrase = re.sub(r"\s+", " ", words).strip().removesuffix(" please").strip()
    phrase = phrase.replace("vas y", "vas-y").replace("allez y", "allez-y")
    if phrase in _YES:
        return True
    if phrase in _NO:
        return False
    return None
