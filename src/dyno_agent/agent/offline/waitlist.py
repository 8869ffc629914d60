"""The waitlist in the offline model: join it, see my offers, accept, decline or leave.

English and German phrasings: "put me on the waitlist", "add vehicle 5 to the waiting list for
brake from March 10, 3 days", "any offers for me?", "accept the offer", "decline offer 4",
"take me off the waitlist"; "auf die Warteliste setzen", "habe ich Angebote?", "Angebot
annehmen", "Angebot 4 ablehnen", "von der Warteliste nehmen". After a booking was refused for
lack of capacity, "put me on the waitlist" takes that booking's vehicle, test and days.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage

from dyno_agent.agent.offline.markdown import table, text
from dyno_agent.agent.offline.messages import say, words
from dyno_agent.agent.offline.tool_results import results


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_LIST_WORD = r"(?:wait(?:ing)?[\s-]?l(?:ist|sit|ist|st|its)|warte[\s-]?liste|warteschlange)"
_OFFER = r"(?:offers?|angebote?n?|slot\s+offers?)"
# "put me on the waitlist", "join the waiting list", "auf die Warteliste setzen".
JOIN = _rx(
    rf"\b(?:put|add|place|join|sign|get|set(?:ze|zen|z)?|trag\w*|stell\w*)\b[^.?!]{{0,60}}?"
    rf"\b(?:on|onto|to|in|into|auf|in\s+die)\s+(?:the\s+|a\s+|die\s+|eine\s+)?{_LIST_WORD}\b|"
    rf"\bjoin\s+(?:the\s+)?{_LIST_WORD}\b|\bauf\s+die\s+{_LIST_WORD}\b|\b{_LIST_WORD}\b[^.?!]{{0,30}}\b(?:setzen|eintragen|aufnehmen)\b|"
    rf"^\W*(?:(?:yes|ja|ok|okay)\W+)?(?:please\s+|bitte\s+)?{_LIST_WORD}\W*(?:please|bitte)?\W*$"
)
_ACCEPT = r"(?:accept|take|book|grab|annehmen|nehme|nimm|akzeptier\w*|buche?n?)"
_DECLINE = r"(?:decline|reject|refuse|turn\s+down|pass\s+on|ablehnen|lehne|abgelehnt|verzichte\w*)"
_WITHDRAW = (
    r"(?:(?:take|remove|drop|get)\s+(?:me|it|vehicle\s+\d+|entry\s+#?\d+)\s+off|leave|withdraw\s+from|"
    r"withdraw|quit|streich\w*|entfern\w*|nimm\s+mich\s+von|austragen)"
)
ANSWER = _rx(
    rf"\b(?P<accept>{_ACCEPT})\b[^.?!]{{0,30}}\b{_OFFER}\b|\b{_OFFER}\b[^.?!]{{0,25}}\b(?P<accept2>{_ACCEPT})\b|"
    rf"\b(?P<decline>{_DECLINE})\b[^.?!]{{0,30}}\b{_OFFER}\b|\b{_OFFER}\b[^.?!]{{0,25}}\b(?P<decline2>{_DECLINE})\b|"
    rf"\b(?P<withdraw>{_WITHDRAW})\b[^.?!]{{0,40}}\b{_LIST_WORD}\b|"
    rf"\b{_LIST_WORD}\b[^.?!]{{0,30}}\b(?P<withdraw2>austragen|verlassen|streichen|entfernen)\b|"
    rf"\bvon\s+der\s+{_LIST_WORD}\s+(?P<withdraw3>nehmen|streichen|entfernen)\b"
)
LIST = _rx(
    rf"\b(?:any|my|mine|show|list|what|which|got|have|check|meine?n?|habe|gibt|zeig\w*)\b[^.?!]{{0,30}}"
    rf"\b(?:{_OFFER}|{_LIST_WORD})\b|\b{_LIST_WORD}\b|\b{_OFFER}\s+(?:for\s+me|für\s+mich)\b"
)
_ENTRY_ID = _rx(
    rf"\b(?:{_OFFER}|entry|eintrag|nr\.?|number|nummer|#)\s*(?:#|nr\.?|no\.?)?\s*(?P<id>\d{{1,9}})\b|"
    r"#\s*(?P<hash>\d{1,9})\b"
)


def intent_of(text: str) -> str | None:
    """ "waitlist_answer", "waitlist_join", "waitlist" or None."""
    if ANSWER.search(text):
        return "waitlist_answer"
    if JOIN.search(text):
        return "waitlist_join"
    if LIST.search(text) and re.search(rf"{_LIST_WORD}|{_OFFER}", text, re.IGNORECASE):
        return "waitlist"
    return None


def action_of(text: str) -> str:
    match = ANSWER.search(text)
    if match is None:
        return "accept"
    if match["decline"] or match["decline2"]:
        return "decline"
    if match["withdraw"] or match["withdraw2"] or match["withdraw3"]:
        return "withdraw"
    return "accept"


def entry_id_of(text: str) -> int | None:
    match = _ENTRY_ID.search(text)
    if match is None:
        return None
    return int(match["id"] or match["hash"])


def offered_entry(messages: Sequence[BaseMessage]) -> int | None:
    """The one entry with an offer in the last waitlist result, for "accept the offer"."""
    for _name, _, body in reversed(results(messages)):
        data = body.get("data") if body.get("ok") else None
        if not isinstance(data, dict):
            continue
        entries = data.get("entries") or ([data["entry"]] if data.get("entry") else None)
        if entries is None:
            continue
        offered = [e.get("id") for e in entries if e.get("status") == "offered"]
        return offered[0] if len(offered) == 1 and isinstance(offered[0], int) else None
    return None


def refused_booking(messages: Sequence[BaseMessage]) -> dict[str, Any] | None:
    """The last booking the lab had no room for: its vehicle, test type, start and days."""
    for name, args, body in reversed(results(messages)):
        if name not in ("auto_allocate_vehicle", "book_on_dyno"):
            continue
        if body.get("ok") or body.get("error") not in ("no_capacity", "dyno_busy"):
            return None
        keep = ("vehicle_id", "tag", "vin", "test_type", "start_date", "days_to_complete")
        return {k: args[k] for k in keep if args.get(k) is not None}
    return None


def _offer_text(entry: dict[str, Any]) -> str:
    offer = entry.get("offer") or {}
    dyno = (offer.get("dyno") or {}).get("name") or "?"
    return say(
        "waitlist.offer",
        id=entry.get("id"),
        dyno=text(dyno),
        start=offer.get("start_date"),
        end=offer.get("end_date"),
        until=str(offer.get("hold_expires_at") or "")[:16].replace("T", " "),
    )


def _row(entry: dict[str, Any]) -> tuple[Any, ...]:
    vehicle = entry.get("vehicle") or {}
    offer = entry.get("offer") or {}
    slot = ""
    if entry.get("status") in ("offered", "booked") and offer:
        slot = f"{(offer.get('dyno') or {}).get('name', '?')} {offer.get('start_date')}"
        if entry.get("status") == "offered":
            slot += f" (→ {str(offer.get('hold_expires_at') or '')[:16].replace('T', ' ')})"
    return (
        f"#{entry.get('id')}",
        vehicle.get("tag") or vehicle.get("vin") or vehicle.get("id"),
        entry.get("test_type"),
        entry.get("days"),
        entry.get("earliest_start"),
        entry.get("latest_end"),
        entry.get("status"),
        slot,
    )


def answer_list(data: dict[str, Any], args: dict[str, Any], hints: dict[str, Any]) -> str:
    entries = data.get("entries") or []
    if not entries:
        return say("waitlist.none")
    offers = [e for e in entries if e.get("status") == "offered"]
    parts = [say("waitlist.lead", count=len(entries), offers=len(offers)), ""]
    parts.append(table(words("h.waitlist"), [_row(e) for e in entries]))
    if offers:
        parts += ["", *(_offer_text(e) for e in offers)]
    return "\n".join(parts)


def answer_entry(data: dict[str, Any], args: dict[str, Any], hints: dict[str, Any]) -> str:
    entry = data["entry"]
    status = entry.get("status")
    if status == "offered":
        return _offer_text(entry)
    key = {
        "waiting": "waitlist.joined",
        "booked": "waitlist.booked",
        "withdrawn": "waitlist.withdrawn",
    }.get(str(status), "waitlist.status")
    offer = entry.get("offer") or {}
    return say(
        key,
        id=entry.get("id"),
        status=status,
        test=text(entry.get("test_type")),
        start=entry.get("earliest_start"),
        end=entry.get("latest_end"),
        days=entry.get("days"),
        allocation=offer.get("id"),
        dyno=text((offer.get("dyno") or {}).get("name") or "?"),
        slot_start=offer.get("start_date"),
    )
