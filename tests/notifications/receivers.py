"""Local receivers for the notification tests: an HTTP webhook receiver and an SMTP server, both
on 127.0.0.1 and started by the test."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller

from tests.servers import free_port


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> dict[str, Any]:
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Answers 500 to the first `fail_first` requests (or to all with `fail_always`), else 204."""

    fail_first: int = 0
    fail_always: bool = False
    # When set, the first request is held (no answer) until `release` is set or 30 s pass.
    hold_first: bool = False
    release: threading.Event = field(default_factory=threading.Event)
    requests: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def handle(self, headers: dict[str, str], body: bytes) -> int:
        with self.lock:
            self.requests.append(Received(headers, body))
            count = len(self.requests)
            failing = self.fail_always or count <= self.fail_first
        if self.hold_first and count == 1:
            self.release.wait(30)
        return 500 if failing else 204

    def delivery_ids(self) -> list[int]:
        with self.lock:
            return [int(r.headers["X-Dyno-Delivery"]) for r in self.requests]

    def verified(self, secret: str) -> list[dict[str, Any]]:
        """Bodies whose signature checks out with `secret`, computed as the README tells
        receivers to: HMAC-SHA256 of `<X-Dyno-Timestamp>.<raw body>`, hex, after `sha256=`."""
        out = []
        for request in self.requests:
            timestamp = request.headers["X-Dyno-Timestamp"]
            signed = timestamp.encode() + b"." + request.body
            expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
            if hmac.compare_digest(expected, request.headers["X-Dyno-Signature"]):
                out.append(request.json)
        return out


@contextlib.contextmanager
def webhook_receiver(**options: Any) -> Iterator[WebhookReceiver]:
    receiver = WebhookReceiver(**options)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            code = receiver.handle(dict(self.headers.items()), body)
            self.send_response(code)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@contextlib.contextmanager
def smtp_server() -> Iterator[tuple[int, _Inbox]]:
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, inbox
    finally:
        controller.stop()
