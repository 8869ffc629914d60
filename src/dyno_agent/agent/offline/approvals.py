"""The approval queue in the offline model: "show pending approvals", "approve request 14",
"reject 15, dyno needs calibration"; German too ("offene Genehmigungen", "Anfrage 14
genehmigen", "Anfrage 15 ablehnen: Prüfstand muss kalibriert werden").

Exact rules only: a request reads as approve/reject only with a verb and one id, never with
"plan" (that is committing a plan). A rejection without a reason asks for one; the answer to that
question is the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from dyno_agent.agent.offline import waitlist
from dyno_agent.agent.offline.markdown import table
from dyno_agent.agent.offline.messages import say


def _rx(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


_APPROVALS = (
    r"(?:a?pp?rovals?|a?pp?roval\s+(?:queue|requests?|list)|requests?\s+(?:for|awaiting|waiting\s+"
    r"for)\s+a?pp?roval|genehmigungen|genehmigungsanfragen|freigaben|freigabeanfragen)"
)
QUEUE = _rx(
    r"\b(?:pending|open|waiting|outstanding|unapproved|offenen?|ausstehenden?|wartenden?)\s+"
    rf"(?:\w+\s+)?{_APPROVALS}\b|"
    r"\b(?:a?pp?roval|genehmigungs|freigabe)[\s-]*(?:queue|warteschlange|liste)\b|"
    r"\bwaiting\s+(?:for|on)\s+(?:my\s+|an?\s+)?a?pp?rovals?\b|"
    rf"\b(?:show|list|see|zeig\w*|liste\w*|what\s+are\s+the)\b.{{0,20}}\b{_APPROVALS}\b|"
    r"\bwas\s+wartet\s+auf\s+(?:meine\s+)?(?:genehmigung|freigabe)\b"
)
_APPROVE = _rx(r"\b(?:approve|aprove|approuve|genehmigen?|genehmige|freigeben|gib\s+\S+\s+frei)\b")
_REJECT = _rx(
    r"\b(?:reject|rejekt|decline|deny|refuse|turn\s+down|ablehnen|lehne|abweisen|zurückweisen)\b"
)
_PLAN = _rx(r"\bplans?\b")
_ID = _rx(
    r"(?:\b(?:requests?|anfragen?|bookings?|buchung(?:en)?|allocations?|reservations?|nr|no)\.?"
    r"\s*#?\s*|#\s*)(?P<id>\d{1,9})\b|\b(?P<bare>\d{1,9})\b"
)
_REASON_LEAD = _rx(
    r"^[\s,:;.\-–—]*(?:(?:because|since|as|reason(?:\s+is)?|grund(?:\s+ist)?|weil|da|denn|ab)"
    r"\b[\s,:;]*)*"
)
REJECT_PENDING = "approvals:reject:"


@dataclass(frozen=True)
class Match:
    tool: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    question: str | None = None  # asked instead of calling (a rejection without a reason)
    pending: str | None = None


def _one_id(text: str) -> tuple[int, int] | None:
    """The single id named (and where it ends); None when none or several are."""
    found = list(_ID.finditer(text))
    if len(found) != 1:
        return None
    m = found[0]
    return int(m["id"] or m["bare"]), m.end()


def match(text: str) -> Match | None:
    """The approval-queue call this request asks for, or the question it needs first."""
    if _PLAN.search(text) or waitlist.intent_of(text) is not None:
        return None  # a plan, or a waitlist offer declined ("decline the offer for entry 9")
    reject = _REJECT.search(text)
    approve = _APPROVE.search(text)
    if reject or approve:
        named = _one_id(text)
        if named is None:
            return Match("list_approval_requests") if QUEUE.search(text) else None
        allocation_id, id_end = named
        if reject:
            start = max(id_end, reject.end())
            reason = _REASON_LEAD.sub("", text[start:]).strip(" .!")
            if not reason:
                return Match(
                    question=say("approvals.ask_reason", id=allocation_id),
                    pending=f"{REJECT_PENDING}{allocation_id}",
                )
            return Match("reject_request", {"allocation_id": allocation_id, "reason": reason})
        return Match("approve_request", {"allocation_id": allocation_id})
    if QUEUE.search(text):
        return Match("list_approval_requests")
    return None


def reason_for(pending: str | None, text: str) -> Match | None:
    """The answer to "why do you reject request 15?" as the rejection's reason."""
    if not pending or not pending.startswith(REJECT_PENDING):
        return None
    reason = _REASON_LEAD.sub("", text).strip(" .!")
    if not reason:
        return None
    allocation_id = int(pending.removeprefix(REJECT_PENDING))
    return Match("reject_request", {"allocation_id": allocation_id, "reason": reason})


# Answers to the tools' results ------------------------------------------------------------------
_HEADERS = ("#", "Vehicle", "Dyno", "Test", "From", "To", "Requested by", "State")


def _vehicle(item: dict[str, Any]) -> Any:
    v = item.get("vehicle") or {}
    return v.get("tag") or v.get("vin") or v.get("placeholder_key") or v.get("id")


def _row(item: dict[str, Any]) -> tuple[Any, ...]:
    return (
        item["allocation_id"],
        _vehicle(item),
        (item.get("dyno") or {}).get("name"),
        item.get("test_type"),
        item.get("start_date"),
        item.get("end_date"),
        (item.get("requested_by") or {}).get("name"),
        item.get("state"),
    )


def queue_answer(data: dict[str, Any], args: dict[str, Any], hints: dict[str, Any]) -> str:
    items = data.get("requests") or []
    state = str(data.get("state") or "pending")
    if not items:
        return say("approvals.none") if state == "pending" else say("done")
    rendered = table(_HEADERS, [_row(i) for i in items])
    n = int(data.get("total") or len(items))
    if state == "pending":
        return say("approvals.queue", n=n, table=rendered)
    return say("approvals.listed", n=n, state=state, table=rendered)


def approved_answer(data: dict[str, Any], args: dict[str, Any], hints: dict[str, Any]) -> str:
    r = data["request"]
    dyno = (r.get("dyno") or {}).get("name")
    line = f"{_vehicle(r)}, {dyno}, {r['start_date']} – {r['end_date']}"
    return say("approvals.approved", id=r["allocation_id"], line=line)


def rejected_answer(data: dict[str, Any], args: dict[str, Any], hints: dict[str, Any]) -> str:
    r = data["request"]
    return say("approvals.rejected", id=r["allocation_id"], reason=r.get("reason") or "")


ANSWERS = {
    "list_approval_requests": queue_answer,
    "approve_request": approved_answer,
    "reject_request": rejected_answer,
}
