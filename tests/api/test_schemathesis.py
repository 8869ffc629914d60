"""Schemathesis against the whole API, in-process, as admin, user and anonymous: never a 5xx, and
every documented response matches its schema.

The app runs with its own lifespan on a scratch database loaded with the demo data, dropped at the
end, so nothing written here reaches other tests. Examples are few per operation and derandomised,
so a run is bounded and reproducible.
"""

from __future__ import annotations

import asyncio
import itertools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from schemathesis import APIOperation, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.python import asgi
from schemathesis.specs.openapi.checks import response_schema_conformance
from sqlalchemy import select
from sqlalchemy.engine import URL

from dyno_agent.app import create_app
from dyno_agent.auth.models import User
from dyno_agent.auth.tokens import create_access_token
from dyno_agent.config import Settings
from dyno_agent.db import migrate
from dyno_agent.db.embedded import drop_database
from dyno_agent.db.engine import make_engine, make_session_factory
from dyno_agent.demo import load_demo
from dyno_agent.scheduling import clock
from tests.conftest import TODAY, create_scratch_database

# Per operation and generation mode; raise it locally to hunt deeper (DYNO_FUZZ_EXAMPLES=200).
EXAMPLES = int(os.environ.get("DYNO_FUZZ_EXAMPLES", "15"))
CHECKS = [not_a_server_error, response_schema_conformance]
ROLES = ("admin", "power_user", "user", "anonymous")  # taken in turn, one per example


async def _load_demo(url: URL) -> dict[str, int]:
    engine = make_engine(url, pool_size=2)
    try:
        async with make_session_factory(engine)() as session:
            await load_demo(session)
            await session.commit()
            users = (await session.execute(select(User.role, User.id))).all()
            return {role: user_id for role, user_id in users}
    finally:
        await engine.dispose()


SETTINGS = Settings(_env_file=None, jwt_secret="fuzz-secret-" + "x" * 32, llm="offline")
SCHEMA = schemathesis.openapi.from_dict(create_app(SETTINGS).openapi())
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
CHAT_EXAMPLES = 3  # a chat turn runs the whole agent graph: a few suffice for the HTTP edge


@pytest.fixture(scope="module")
def fuzzed_app(server_url: URL, tmp_root: Path) -> Iterator[tuple[Any, dict[str, dict[str, str]]]]:
    """An app with its own lifespan on its own demo database, and each role's headers."""
    url, admin_conninfo = create_scratch_database(server_url, "dyno_fuzz")
    migrate.upgrade(url)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "today", lambda: TODAY)
        users = asyncio.run(_load_demo(url))
    settings = SETTINGS.model_copy(
        update={
            "database_url": url.render_as_string(hide_password=False),
            "data_dir": tmp_root / "fuzz",
        }
    )
    app = create_app(settings)
    secret = settings.jwt_secret or ""
    headers: dict[str, dict[str, str]] = {
        role: {"Authorization": f"Bearer {create_access_token(users[role], secret, 60)}"}
        for role in ROLES[:-1]
    }
    headers["anonymous"] = {}
    try:
        yield app, headers
    finally:
        asgi.shutdown_lifespans()
        drop_database(admin_conninfo, url.database or "")


@pytest.mark.parametrize(
    "operation", OPERATIONS, ids=[f"{o.method.upper()} {o.path}" for o in OPERATIONS]
)
@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_the_api_never_answers_5xx_and_keeps_to_its_schema(
    operation: APIOperation, mode: GenerationMode, fuzzed_app: tuple[Any, dict[str, dict[str, str]]]
) -> None:
    app, headers = fuzzed_app

    @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis.settings(
        max_examples=CHAT_EXAMPLES if "/chat/" in operation.path else EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
        suppress_health_check=list(hypothesis.HealthCheck),
    )
    def run(case: schemathesis.Case) -> None:
        role = next(roles) if operation.definition.raw.get("security") else "anonymous"
        case.call_and_validate(app=app, headers=headers[role], checks=CHECKS)

    roles = itertools.cycle(ROLES)

    try:
        run()
    except hypothesis.errors.Unsatisfiable:
        assert mode is GenerationMode.NEGATIVE  # no parameters or body: nothing to get wrong
