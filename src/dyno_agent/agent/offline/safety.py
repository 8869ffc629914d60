"""Requests the offline model declines whatever else they say, in English, German, Spanish,
Portuguese and French: injected instructions, secrets and privileges, mass or schema-level
destruction. Exact words only; the classifier (see `intents.classify`) catches the misspelt and
the loosely worded, and either one is enough to decline."""

from __future__ import annotations

import re

_I = re.IGNORECASE

_IGNORE = (
    r"ignore|ignoriere?n?|ignora[rs]?|ignorez|ignorar|disregard|forget|override|vergiss|vergessen|"
    r"olvida[rs]?|olvidate|esque[cç]a|esquecer|oublie[rsz]?|bypass|umgehe"
)
_RULES = (
    r"instructions?|rules|prompt|guidelines|anweisungen|regeln|vorgaben|instrucciones|reglas|"
    r"instru[cç](?:ões|oes)|regras|r[eè]gles|consignes"
)
INJECTION = re.compile(
    rf"\b(?:{_IGNORE})\b.{{0,40}}\b(?:{_RULES})\b|\bsystem\s*-?\s*prompt\b|\bjailbreak\b|"
    r"\bdeveloper\s+mode\b|\byou\s+are\s+now\b|\bpretend\s+(?:to\s+be|you)\b|"
    r"\bact\s+as\s+(?:an?\s+)?(?!dyno)\w+|\bdu\s+bist\s+jetzt\b|\bahora\s+eres\b|"
    r"\bagora\s+voc[eê]\s+[eé]\b|\btu\s+es\s+maintenant\b",
    _I,
)
# Secrets and credentials, also as column names (`password_hash`, `refresh_token`).
SECRETS = re.compile(
    r"(?<![a-z])(?:passwords?|password_hash\w*|hashed_password|passw(?:or|ö)(?:t|ter)|kennw(?:ort|örter)|"
    r"contrase[nñ]as?|senhas?|mots?\s+de\s+passe|api[\s_-]*keys?|cl(?:é|e|ave)s?\s+(?:d[e']\s*)?api|"
    r"chaves?\s+(?:de\s+)?api|secret[\s_-]*keys?|secrets?|credentials?|zugangsdaten|credenciai?les|"
    r"credenciais|identifiants|tokens?|refresh_tokens?|jwt|"
    r"env(?:ironment)?\s*var(?:iable)?s?|\.env\b|umgebungsvariablen?|variables?\s+de\s+entorno|"
    r"vari[aá]veis\s+de\s+ambiente|variables?\s+d[e']\s*environnement|private\s+keys?)(?![a-z])",
    _I,
)
_ADMIN = r"admin(?:istrat(?:or|eur|ador))?|superuser|root|power[\s_-]?user"
PRIVILEGE = re.compile(
    rf"\b(?:make|mach|mache|hazme|haz|torne|fais|faites)[\s-]*(?:me|mich|moi)?\b.{{0,20}}\b(?:{_ADMIN})\b|"
    rf"\b(?:{_ADMIN})[\s-]*(?:rights|role|rechte|rolle|access|privileges?|derechos|rol|direitos|"
    rf"papel|droits|r[oô]le)\b|"
    rf"\b(?:grant|give|gib|dame|d[aá]-?me|me\s+d[aá]|donne)[\s-]*(?:me|mir|moi)?\b.{{0,20}}\b(?:{_ADMIN})\b|"
    r"\bgrant\s+(?:all|admin|access|privileges|me)\b|\bescalate\b|\bchange\s+my\s+role\b",
    _I,
)
_WIPE = (
    r"cancel+(?:e|ar|a|er)?|cancle|delete|remove|wipe|erase|clear|purge|destroy|nuke|reset|drop|"
    r"storniere?n?|l[öo]sche?n?|entferne?n?|streiche?n?|borra[r]?|elimina[r]?|anula[r]?|"
    r"apag(?:ue|ar|a)|exclu(?:a|ir|i)|remov(?:a|er|e)|annule[rz]?|supprime[rz]?|efface[rz]?|vide[rz]?"
)
_ALL = (
    r"all|every|everything|each|entire|whole|alle[ns]?|s[äa]mtliche|todas?|todos|tudo|tout|toutes|"
    r"tous|the\s+database|the\s+db|die\s+datenbank|la\s+base|o\s+banco|la\s+bd"
)
DESTRUCTION = re.compile(
    rf"\b(?:{_WIPE})\b\W+(?:\w+\W+){{0,2}}?(?:{_ALL})\b|"
    r"\b(?:truncate|drop\s+(?:table|database|schema|view)|alter\s+(?:table|database|schema|view))\b|"
    r"\bdelete\s+from\b|\binsert\s+into\b|\bupdate\s+\w+\s+set\b|\brm\s+-rf\b|"
    r"\b(?:wipe|erase|purge|destroy|nuke)\b.*\b(?:database|db|bookings|allocations|data|tables?)\b|"
    r"\b(?:datenbank|base\s+de\s+datos|banco\s+de\s+dados|base\s+de\s+donn[ée]es)\b.{0,30}"
    r"\b(?:leeren|l[öo]schen|borrar|vaciar|apagar|limpar|vider|effacer|supprimer)\b",
    _I,
)


def must_decline(text: str) -> bool:
    """An injected instruction, a secret or a privilege asked for, or mass destruction."""
    return any(p.search(text) for p in (INJECTION, SECRETS, PRIVILEGE, DESTRUCTION))
