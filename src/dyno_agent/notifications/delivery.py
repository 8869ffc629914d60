"""Sending one message: by SMTP or by webhook. Raises on failure; the worker records it."""

from __future__ import annotations

import asyncio
import smtplib
from dataclasses import dataclass
from typing import Any

import httpx

from dyno_agent.config import Settings
from dyno_agent.notifications import messages, webhooks


@dataclass(frozen=True)
class Claimed:
    """An outbox row a worker holds (under its lease) while it tries to deliver it."""

    id: int
    channel: str
    target: str
    payload: dict[str, Any]
    attempts: int  # before this one
    age_s: float
    secret: str | None


class EmailDisabled(Exception):
    """No SMTP server is configured (DYNO_SMTP_HOST unset)."""


def _send_mail(settings: Settings, message: Any) -> None:
    assert settings.smtp_host is not None
    with smtplib.SMTP(
        settings.smtp_host, settings.smtp_port, timeout=settings.notify_timeout_s
    ) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password or "")
        smtp.send_message(message)


async def send_email(settings: Settings, item: Claimed) -> None:
    if not settings.smtp_host:
        raise EmailDisabled("e-mail is off: DYNO_SMTP_HOST is not set")
    message = messages.email_message(item.id, settings.smtp_from, item.target, item.payload)
    await asyncio.to_thread(_send_mail, settings, message)


async def send_webhook(settings: Settings, client: httpx.AsyncClient, item: Claimed) -> None:
    if item.secret is None:
        raise RuntimeError("the subscription has no webhook secret")
    await webhooks.check_destination(item.target, settings.webhook_allow_private)
    body = messages.webhook_body(item.id, item.payload)
    await webhooks.post(client, item.target, item.secret, item.id, body)


async def send(settings: Settings, client: httpx.AsyncClient, item: Claimed) -> None:
    if item.channel == "email":
        await send_email(settings, item)
    else:
        await send_webhook(settings, client, item)


def describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return f"{type(error).__name__}: {text}"[:1000]
