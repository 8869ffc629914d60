"""Webhooks: which URLs are allowed, how a body is signed, and one POST.

Signature: `X-Dyno-Signature: sha256=<hex>` where hex is HMAC-SHA256, keyed with the
subscription's secret, of `<X-Dyno-Timestamp>.<raw body>` (the Unix time in seconds, a dot, the
body's bytes). A receiver recomputes it and rejects a timestamp more than a few minutes old, so a
captured request cannot be replayed later. `X-Dyno-Delivery` (also the body's `id`) is the
idempotency key: the same message retried carries the same one.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import ipaddress
import json
import secrets
import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx

from dyno_agent.errors import InvalidWebhookUrl

SIGNATURE_HEADER = "X-Dyno-Signature"
TIMESTAMP_HEADER = "X-Dyno-Timestamp"
DELIVERY_HEADER = "X-Dyno-Delivery"
KIND_HEADER = "X-Dyno-Event"

Address = ipaddress.IPv4Address | ipaddress.IPv6Address


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"sha256={digest.hexdigest()}"


def body_of(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def _refused(address: Address, allow_private: bool) -> str | None:
    # Link-local holds cloud metadata services (169.254.169.254): never a webhook target.
    if address.is_link_local or address.is_unspecified or address.is_multicast:
        return "a link-local, unspecified or multicast address"
    if not allow_private and not address.is_global:
        return "a private, loopback or reserved address (DYNO_WEBHOOK_ALLOW_PRIVATE=false)"
    return None


def check_url(url: str, allow_private: bool) -> str:
    """The URL if webhooks may go there (http/https, a host, no credentials), else raise."""
    url = url.strip()
    try:
        parts = urlsplit(url)
        port = parts.port  # raises on a bad port
    except ValueError as exc:
        raise InvalidWebhookUrl(f"Not a valid URL: {exc}.", field="webhook_url") from None
    if parts.scheme not in ("http", "https"):
        raise InvalidWebhookUrl(
            "A webhook URL must start with http:// or https://.", field="webhook_url"
        )
    if not parts.hostname:
        raise InvalidWebhookUrl("A webhook URL needs a host.", field="webhook_url")
    if parts.username or parts.password:
        raise InvalidWebhookUrl(
            "A webhook URL may not contain a user name or password.", field="webhook_url"
        )
    del port
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return url  # a name: its addresses are checked when a message is sent
    if reason := _refused(address, allow_private):
        raise InvalidWebhookUrl(f"Webhooks may not go to {reason}.", field="webhook_url")
    return url


async def check_destination(url: str, allow_private: bool) -> None:
    """Before each POST: every address the host resolves to must be allowed."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if reason := _refused(address, allow_private):
            raise InvalidWebhookUrl(f"{host} resolves to {reason}.", field="webhook_url")


async def post(
    client: httpx.AsyncClient, url: str, secret: str, delivery_id: int, payload: dict[str, Any]
) -> None:
    """POST the signed body; any answer but 2xx (or no answer) raises."""
    body = body_of(payload)
    timestamp = int(time.time())
    response = await client.post(
        url,
        content=body,
        headers={
            "Content-Type": "application/json",
            SIGNATURE_HEADER: sign(secret, timestamp, body),
            TIMESTAMP_HEADER: str(timestamp),
            DELIVERY_HEADER: str(delivery_id),
            KIND_HEADER: str(payload.get("kind", "")),
        },
    )
    if not response.is_success:
        raise httpx.HTTPStatusError(
            f"HTTP {response.status_code}", request=response.request, response=response
        )
