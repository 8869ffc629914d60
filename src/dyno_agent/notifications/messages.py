"""What a notification says: the webhook's JSON body and the e-mail's plain text."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any

HEADLINES = {
    "made": "Booking made",
    "moved": "Booking moved",
    "cancelled": "Booking cancelled",
    "delayed": "Booking delayed",
    "started": "Test started",
    "completed": "Test completed",
    "status_changed": "Booking status changed",
    "offered": "A waitlisted slot is offered to you",
    "offer_ended": "Waitlist offer ended",
    "requested": "Booking requested, awaiting approval",
    "approved": "Booking approved",
    "rejected": "Booking request rejected",
}


def webhook_body(delivery_id: int, payload: dict[str, Any]) -> dict[str, Any]:
    """The stored payload plus `id`, the idempotency key (the same for every retry)."""
    return {"id": delivery_id, **payload}


def _where(booking: dict[str, Any]) -> str:
    dyno = booking.get("dyno") or "no dyno yet"
    facility = booking.get("facility")
    return f"{dyno} ({facility})" if facility else dyno


def email_text(payload: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) of the e-mail."""
    kind = str(payload.get("kind", "status_changed"))
    booking = payload.get("booking") or {}
    previous = payload.get("previous") or {}
    actor = payload.get("actor") or {}
    headline = HEADLINES.get(kind, HEADLINES["status_changed"])
    vehicle = booking.get("vehicle") or f"vehicle #{booking.get('vehicle_id')}"
    subject = (
        f"[Dyno Agent] {headline}: {vehicle} on {booking.get('dyno') or 'no dyno'}, "
        f"{booking.get('start_date')}"
    )
    lines = [
        f"{headline} (booking #{booking.get('id')}).",
        "",
        f"Vehicle:   {vehicle}",
        f"Test:      {booking.get('test_type')}",
        f"Dyno:      {_where(booking)}",
        f"Dates:     {booking.get('start_date')} to {booking.get('end_date')}",
        f"Status:    {booking.get('status')}",
    ]
    if booking.get("owner"):
        lines.append(f"Booked by: {booking['owner']}")
    if previous and kind in ("moved", "delayed", "status_changed"):
        lines.append(
            f"Before:    {previous.get('dyno') or 'no dyno'}, {previous.get('start_date')} to "
            f"{previous.get('end_date')}, {previous.get('status')}"
        )
    who = actor.get("name") or actor.get("label") or "the system"
    lines += ["", f"Changed by {who} via {actor.get('channel')} at {payload.get('at')}."]
    return subject, "\n".join(lines) + "\n"


def email_message(delivery_id: int, sender: str, to: str, payload: dict[str, Any]) -> EmailMessage:
    subject, body = email_text(payload)
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    domain = sender.rpartition("@")[2] or "localhost"
    # The same id on every retry, so mail systems and readers can drop duplicates.
    message["Message-ID"] = f"<notification-{delivery_id}@{domain}>"
    message["X-Dyno-Delivery"] = str(delivery_id)
    message.set_content(body)
    return message
