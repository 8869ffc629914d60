"""A storm of concurrent API clients that book, move and cancel, and the ledger of their answers.

Every request is written to the `Ledger` before it is sent and completed when its answer arrives,
so after the storm each one is either acknowledged (2xx, with the state the server reported),
refused (4xx), or of unknown outcome (a 5xx, a cut connection, or still pending when the storm's
time ran out). The audit (`audit.py`) then holds the database to the acknowledged answers.

Clients are seeded (`random.Random(seed, client)`) so a run asks the same questions; which of them
win depends on timing, so the suites assert only invariants.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg

from tests.conftest import TODAY

API = "/api/v1"
PASSWORD = "storm-password-1"
HORIZON_DAYS = 28  # bookings start within four weeks of today: plenty of contention
BOOK_KINDS = ("auto", "named")


@dataclass(frozen=True)
class State:
    """What an allocation looks like: the fields an answer reports and the audit compares."""

    dyno_id: int | None
    start: dt.date
    end: dt.date
    status: str

    @classmethod
    def of(cls, row: dict[str, Any]) -> State:
        return cls(
            dyno_id=row["dyno_id"],
            start=dt.date.fromisoformat(str(row["start_date"])),
            end=dt.date.fromisoformat(str(row["end_date"])),
            status=str(row["status"]),
        )


@dataclass(frozen=True)
class Account:
    user_id: int
    email: str
    role: str
    token: str


@dataclass(frozen=True)
class Target:
    """An allocation a client may move or cancel, with what a move needs to know."""

    allocation_id: int
    vehicle_id: int
    test_type: str


@dataclass
class Catalog:
    """The lab as loaded: dynos, vehicles, rules, and the open bookings before the storm."""

    dyno_names: dict[int, str]
    vehicles: dict[int, tuple[str, str]]  # id -> (drive type, weight class)
    rules: list[tuple[int, str, str, str]]  # (dyno id, test type, drive type, weight class)
    open_bookings: list[Target]
    starts: dict[int, dt.date]  # allocation id -> start date, for the open bookings

    def options(self, vehicle_id: int) -> dict[str, list[int]]:
        """Test type -> the dynos whose rules allow it for this vehicle."""
        drive, weight = self.vehicles[vehicle_id]
        found: dict[str, list[int]] = {}
        for dyno_id, test, rule_drive, rule_weight in self.rules:
            if rule_drive in (drive, "any") and rule_weight in (weight, "any"):
                found.setdefault(test, []).append(dyno_id)
        return found

    @classmethod
    async def load(cls, conninfo: str) -> Catalog:
        async with await psycopg.AsyncConnection.connect(conninfo) as conn:
            dynos = await (await conn.execute("SELECT id, name FROM dynos")).fetchall()
            vehicles = await (
                await conn.execute("SELECT id, drive_type, weight_class FROM vehicles")
            ).fetchall()
            rules = await (
                await conn.execute(
                    "SELECT dyno_id, test_type, drive_type, weight_class FROM dyno_rules"
                    " ORDER BY id"
                )
            ).fetchall()
            bookings = await (
                await conn.execute(
                    "SELECT id, vehicle_id, test_type, start_date FROM allocations"
                    " WHERE status IN ('scheduled', 'delayed') ORDER BY id"
                )
            ).fetchall()
        return cls(
            dyno_names=dict(dynos),
            vehicles={v: (drive, weight) for v, drive, weight in vehicles},
            rules=list(rules),
            open_bookings=[Target(*row[:3]) for row in bookings],
            starts={row[0]: row[3] for row in bookings},
        )


@dataclass
class Op:
    """One request and, once answered, its outcome."""

    kind: str  # auto | named | move | cancel
    phase: str
    account: Account
    server: int
    allocation_id: int | None = None  # the target (move, cancel) or the booking made
    http_status: int | None = None
    error: str | None = None  # the JSON error code, or the transport exception's name
    state: State | None = None  # what a 2xx reported
    done: bool = False

    @property
    def acknowledged(self) -> bool:
        return self.http_status is not None and 200 <= self.http_status < 300

    @property
    def unknown(self) -> bool:
        """The server may or may not have applied it: no answer, or a server error."""
        return not self.done or self.http_status is None or self.http_status >= 500


@dataclass
class Ledger:
    ops: list[Op] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)  # open bookings anyone may touch
    starts: dict[int, dt.date] = field(default_factory=dict)  # last start date a 2xx reported
    bad_bodies: list[tuple[int, str]] = field(default_factory=list)  # (status, body) off schema

    answered: Counter[str] = field(default_factory=Counter)  # phase -> requests answered
    _watchers: list[tuple[str, int, asyncio.Event]] = field(default_factory=list)

    def finish(self, op: Op) -> None:
        op.done = True
        self.answered[op.phase] += 1
        for phase, count, event in self._watchers:
            if phase == op.phase and self.answered[phase] >= count:
                event.set()

    async def wait_answered(self, phase: str, count: int) -> None:
        """Return once `count` requests of `phase` have their outcome."""
        event = asyncio.Event()
        self._watchers.append((phase, count, event))
        if self.answered[phase] >= count:
            event.set()
        await event.wait()

    def summary(self, phase: str | None = None) -> list[str]:
        ops = [op for op in self.ops if phase is None or op.phase == phase]
        ok = Counter(op.kind for op in ops if op.acknowledged)
        refused = Counter(
            f"{op.http_status} {op.error}"
            for op in ops
            if op.http_status is not None and 400 <= op.http_status < 500
        )
        server_errors = Counter(
            f"{op.http_status} {op.error}"
            for op in ops
            if op.http_status is not None and op.http_status >= 500
        )
        transport = Counter(op.error for op in ops if op.done and op.http_status is None)
        pending = sum(not op.done for op in ops)
        label = phase or "all phases"
        return [
            f"{label}: {len(ops)} requests, {sum(ok.values())} 2xx, "
            f"{sum(refused.values())} 4xx, {sum(server_errors.values())} 5xx, "
            f"{sum(transport.values())} transport errors, {pending} unanswered",
            f"  2xx by kind: {_fmt(ok)}",
            f"  4xx by code: {_fmt(refused)}",
            f"  5xx: {_fmt(server_errors)}; transport: {_fmt(transport)}",
        ]


def _fmt(counter: Counter[str]) -> str:
    return ", ".join(f"{key} x{n}" for key, n in sorted(counter.items())) or "none"


async def sign_in(base_url: str, extra_users: int) -> list[Account]:
    """The demo's three accounts plus `extra_users` registered ones, each logged in once."""
    credentials = [
        ("admin@demo.local", "demo1234"),
        ("manager@demo.local", "demo1234"),
        ("engineer@demo.local", "demo1234"),
    ]
    async with httpx.AsyncClient(base_url=base_url + API, timeout=60) as http:
        for n in range(extra_users):
            email = f"storm{n}@lab.test"
            body = {"email": email, "password": PASSWORD, "full_name": f"Storm {n}"}
            answer = await http.post("/auth/register", json=body)
            assert answer.status_code in (201, 409), answer.text  # 409: an earlier suite's
            credentials.append((email, PASSWORD))
        accounts = []
        for email, password in credentials:
            answer = await http.post("/auth/login", json={"email": email, "password": password})
            assert answer.status_code == 200, answer.text
            token = answer.json()["access_token"]
            me = await http.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200, me.text
            accounts.append(Account(me.json()["id"], email, me.json()["role"], token))
    return accounts


@dataclass
class Storm:
    """`clients` concurrent clients, `requests` requests each, spread over the servers."""

    catalog: Catalog
    accounts: list[Account]
    servers: list[str]  # base URLs
    ledger: Ledger
    seed: int = 7
    request_timeout_s: float = 30.0

    async def run(self, phase: str, clients: int, requests: int, timeout_s: float) -> bool:
        """Run the storm; False when the overall time ran out (unanswered requests stay so)."""
        if not self.ledger.targets:
            self.ledger.targets.extend(self.catalog.open_bookings)
            self.ledger.starts.update(self.catalog.starts)
        start = asyncio.Event()
        limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
        timeout = httpx.Timeout(self.request_timeout_s, connect=5.0)
        https = [
            httpx.AsyncClient(base_url=url, limits=limits, timeout=timeout) for url in self.servers
        ]
        try:
            tasks = [
                asyncio.create_task(self._client(n, phase, requests, https, start))
                for n in range(clients)
            ]
            start.set()
            try:
                async with asyncio.timeout(timeout_s):
                    await asyncio.gather(*tasks)
            except TimeoutError:
                return False
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
        finally:
            for http in https:
                await http.aclose()
        return True

    async def _client(
        self,
        n: int,
        phase: str,
        requests: int,
        https: list[httpx.AsyncClient],
        start: asyncio.Event,
    ) -> None:
        rng = random.Random(f"{self.seed}-{phase}-{n}")
        account = self.accounts[n % len(self.accounts)]
        server = n % len(https)
        mine: list[Target] = []
        await start.wait()
        privileged = account.role in ("power_user", "admin")
        for step in range(requests):
            roll = rng.random()
            shared = rng.random() < (0.5 if privileged else 0.1) or not mine
            pool = self.ledger.targets if shared else mine
            target: Target | None = None
            if step == 0 or roll < 0.35 or not pool or (shared and not privileged and not mine):
                kind = rng.choice(BOOK_KINDS)
                path, body = self._booking(rng, kind)
            else:
                kind = "move" if roll < 0.7 else "cancel"
                target = rng.choice(pool)
                path, body = self._change(rng, kind, target)
            op = Op(kind, phase, account, server, target.allocation_id if target else None)
            self.ledger.ops.append(op)
            if not await self._send(https[server], op, path, body):
                server = (server + 1) % len(https)  # a load balancer would fail over too
                continue
            if not op.acknowledged:
                continue
            assert op.allocation_id is not None and op.state is not None
            self.ledger.starts[op.allocation_id] = op.state.start
            if op.kind in BOOK_KINDS:
                assert body is not None
                made = Target(op.allocation_id, body["vehicle_id"], body["test_type"])
                mine.append(made)
                self.ledger.targets.append(made)
            elif op.kind == "cancel" and target in mine:
                mine.remove(target)

    def _booking(self, rng: random.Random, kind: str) -> tuple[str, dict[str, Any]]:
        vehicle_id = rng.choice(sorted(self.catalog.vehicles))
        options = self.catalog.options(vehicle_id)
        test_type = rng.choice(sorted(options))
        body: dict[str, Any] = {
            "vehicle_id": vehicle_id,
            "test_type": test_type,
            "start_date": (TODAY + dt.timedelta(days=rng.randint(1, HORIZON_DAYS))).isoformat(),
            "days_to_complete": rng.randint(1, 4),
        }
        if kind == "auto":
            if rng.random() < 0.5:
                body |= {"backup": True, "max_backup_days": rng.randint(1, 5)}
            return f"{API}/allocations/auto", body
        dyno_id = rng.choice(options[test_type])
        body["dyno"] = self.catalog.dyno_names[dyno_id] if rng.random() < 0.5 else dyno_id
        return f"{API}/allocations", body

    def _change(
        self, rng: random.Random, kind: str, target: Target
    ) -> tuple[str, dict[str, Any] | None]:
        base = f"{API}/allocations/{target.allocation_id}"
        if kind == "cancel":
            return f"{base}/cancel", None
        start = TODAY + dt.timedelta(days=rng.randint(1, HORIZON_DAYS))
        if start == self.ledger.starts.get(target.allocation_id):
            start += dt.timedelta(days=1)  # a move that changes nothing writes nothing to audit
        body: dict[str, Any] = {"new_start_date": start.isoformat()}
        if rng.random() < 0.3:
            body["days_to_complete"] = rng.randint(1, 4)
        if rng.random() < 0.3:
            options = self.catalog.options(target.vehicle_id).get(target.test_type)
            if options:
                body["dyno"] = self.catalog.dyno_names[rng.choice(options)]
        return f"{base}/reschedule", body

    async def _send(
        self, http: httpx.AsyncClient, op: Op, path: str, body: dict[str, Any] | None
    ) -> bool:
        """Send and record the answer; False when the connection failed (no answer)."""
        headers = {"Authorization": f"Bearer {op.account.token}"}
        try:
            answer = await http.post(path, json=body, headers=headers)
        except httpx.TransportError as exc:
            op.error = type(exc).__name__
            self.ledger.finish(op)
            return False
        op.http_status = answer.status_code
        if answer.is_success:
            data = answer.json()
            allocation = data["allocation"] if op.kind == "auto" else data
            op.allocation_id = int(allocation["id"])
            op.state = State.of(allocation)
        else:
            op.error = _error_code(answer, self.ledger)
        self.ledger.finish(op)
        return True


def _error_code(answer: httpx.Response, ledger: Ledger) -> str:
    """The body's `error`, after checking it has the documented error schema."""
    try:
        body = answer.json()
    except ValueError:
        body = None
    if not (
        isinstance(body, dict)
        and isinstance(body.get("error"), str)
        and isinstance(body.get("message"), str)
        and isinstance(body.get("details"), dict)
    ):
        ledger.bad_bodies.append((answer.status_code, answer.text[:200]))
        return "bad_body"
    return str(body["error"])
