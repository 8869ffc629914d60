"""Words that point back at the conversation: ordinals ("the third", "das dritte", "la segunda"),
pronouns ("it", "that one", "them", "cancela-a"), "same again", "what about", "only", the
following week, and corrections ("sorry, I meant", "wrong vehicle"). Word lists are data; what
they point at comes from `dialogue.DialogueState`."""

from __future__ import annotations

import re

from dyno_agent.agent.offline.text import NUMBER, normalize, to_int

_I = re.IGNORECASE


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, _I)


# Ordinal stems per position (-1: the last), English, German, Spanish, Portuguese, French.
ORDINALS: dict[int, str] = {
    0: r"first|1st|erste[nmrs]?|primer[oa]?|primeir[oa]|premier|premi[eè]re|1er|1[eè]re",
    1: r"second|2nd|zweite[nmrs]?|segund[oa]|deuxi[eè]me|seconde|2e",
    2: r"third|3rd|dritte[nmrs]?|tercer[oa]?|terceir[oa]|troisi[eè]me|3e",
    3: r"fourth|4th|vierte[nmrs]?|cuart[oa]|quart[oa]|quatri[eè]me|4e",
    4: r"fifth|5th|f[üu]nfte[nmrs]?|quint[oa]|cinqui[eè]me|5e",
    -1: r"last|letzte[nmrs]?|[úu]ltim[oa]|derni[eè]re?",
}
_NOT_AN_ITEM_AFTER = _rx(
    r"^\s*(?:week|weekend|half|quarter|of\s+\w+|day|month|woche|semana|semaine)"
)
_ORDINAL = _rx(
    r"(?:\b(?:the|das|die|der|den|dem|el|la|lo|le|o|a|number|no\.?|nr\.?|n[ºo°])\s+)?"
    r"\b(?P<o>" + "|".join(f"(?:{v})" for v in ORDINALS.values()) + r")\b"
)
SINGULAR = _rx(
    r"\b(?:it|that|this|that\s+one|this\s+one|the\s+one|es|das|ihn|sie|eso|esa|ese|esta|este|"
    r"isso|isto|essa|esse|ça|cela|celle-ci|celui-ci)\b|"
    r"\w-(?:a|o|la|le|lo)\b|\b(?:cancel|anul|borr|muev|mu[ée]v|elimin|cambi)\w*?(?:la|lo)\b"
)
PLURAL = _rx(
    r"\b(?:them|those|these|both|all\s+of\s+them|them\s+all|alle|beide|sie\s+alle|todos|todas|"
    r"ambos|ambas|tous|toutes|les\s+deux)\b|\w-(?:as|os|las|los|les)\b|"
    r"\b(?:cancel|anul|borr|elimin)\w*?(?:las|los)\b"
)
SAME = _rx(
    r"\b(?:same|again|likewise|ditto|too|as\s+well|also|dasselbe|das\s+gleiche|dasgleiche|"
    r"nochmal|ebenso|auch|lo\s+mismo|igual|tambi[ée]n|o\s+mesmo|a\s+mesma|tamb[ée]m|pareil|"
    r"la\s+m[êe]me\s+chose|de\s+m[êe]me|aussi|idem)\b"
)
FOLLOW_UP = _rx(
    r"^\W*(?:and|what\s+about|how\s+about|what\s+of|und|und\s+was\s+ist\s+mit|y|e|et|"
    r"e\s+quanto\s+a|et\s+pour)\b"
)
ONLY = _rx(r"\b(?:only|just|nur|solo|s[óo]lo|s[óo]|apenas|seulement|uniquement)\b")
FOLLOWING_WEEK = _rx(
    r"\b(?:(?:the\s+)?following\s+week|(?:the\s+)?week\s+after|woche\s+danach|"
    r"darauffolgende[nr]?\s+woche|semana\s+siguiente|semana\s+seguinte|semaine\s+(?:suivante|"
    r"d'apr[eè]s))\b"
)
CORRECTION = _rx(
    r"\b(?:sorry|i\s+meant|meant|actually|instead|wrong|should\s+(?:be|have\s+been)|oops|"
    r"correction|my\s+bad|make\s+(?:it|that)|change\s+(?:it|that)\s+to|eigentlich|falsch|"
    r"perd[óo]n|quise\s+decir|en\s+realidad|desculpa|na\s+verdade|errad[oa]|pardon|en\s+fait|"
    r"je\s+voulais\s+dire)\b"
)
WRONG_VEHICLE = _rx(
    r"\bwrong\s+(?:vehicle|veh|car|truck|vin)\b|\b(?:vehicle|car)\s+(?:is|was)\s+wrong\b|"
    r"\bfalsches\s+fahrzeug\b|\bveh[íi]culo\s+(?:equivocado|errado)\b|\bmauvais\s+v[ée]hicule\b|"
    r"\bwrong\b.*\b(?:should\s+be|it'?s|is)\s+(?:vehicle\s+|veh\s+)?\d"
)
TAKE = _rx(
    r"\b(?:take|grab|book|works|fine|go\s+with|nimm|buche|t[óo]malo|reserva|pega|prends|"
    r"r[ée]serve)\b"
)
# Actions on a booking, for references whose verb the intent rules did not catch.
CANCEL = _rx(
    r"\b(?:cancel\w*|cancle\w*|cxl|scrap|drop|delete|remove|kill|storn\w*|absag\w*|l[öo]sch\w*|"
    r"cancela\w*|anula\w*|borra\w*|elimina\w*|annul\w*|supprim\w*)"
)
BOOK = _rx(
    r"\b(?:book|put|reserve|schedule|take|grab|use|buche\w*|reserv\w*|nimm|pon|coloca|mets)\b"
)
_N = rf"(?P<n>{NUMBER})\s*(?P<u>days?|weeks?)"
_REF = r"(?:it|that|this|them|the\s+\w+(?:\s+one)?)"
_PUSH = _rx(
    rf"\b(?:push|move|shift|slide|bump|delay|postpone)\w*\s+{_REF}\s+(?:back\s+|out\s+)?"
    rf"(?:by\s+)?{_N}\b"
)
_PULL = _rx(rf"\b(?:pull|bring|move)\w*\s+{_REF}\s+(?:in|forward|earlier|up)\s+(?:by\s+)?{_N}\b")
_ADD = _rx(rf"\b(?:add|tack\s+on)\s+{_N}\s+(?:to|onto)\b")
_BARE_NUMBER = _rx(r"(?<![\w.#/-])#?(\d{1,6})(?![\w./-])")


def ordinal(text: str) -> int | None:
    """The position an ordinal names (0-based, -1 for the last), if the text has one for an item."""
    for match in _ORDINAL.finditer(normalize(text)):
        if _NOT_AN_ITEM_AFTER.match(match.string[match.end() :]):
            continue
        word = match["o"].lower()
        for position, pattern in ORDINALS.items():
            if re.fullmatch(pattern, word, _I):
                return position
    return None


def offset(text: str) -> tuple[int | None, int | None]:
    """(shift_days, extend_days) said about an earlier booking: "push it a week", "add two days
    to it"; (None, None) when none."""
    text = normalize(text)
    for pattern, sign, kind in ((_PUSH, 1, "shift"), (_PULL, -1, "shift"), (_ADD, 1, "extend")):
        match = pattern.search(text)
        amount = to_int(match["n"]) if match else None
        if match and amount is not None:
            days = sign * amount * (7 if match["u"].lower().startswith("week") else 1)
            return (days, None) if kind == "shift" else (None, days)
    return None, None


def bare_number(text: str) -> int | None:
    """A lone number ("and 18 too", "it's 44")."""
    found = _BARE_NUMBER.findall(text)
    return int(found[0]) if len(found) == 1 else None
