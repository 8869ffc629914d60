"""What every command shares: "today", the database, one transaction per command, error output."""

from __future__ import annotations

import asyncio
import datetime as dt
import getpass
import os
import re
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

# Only what `dyno --help` needs is imported here: SQLAlchemy, pydantic, FastAPI and the domain are
# imported by the functions that use them, so commands start fast (see tests/cli/test_startup.py).
if TYPE_CHECKING:
    from sqlalchemy.engine import URL
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.auth.actor import Actor
    from dyno_agent.db.url import Database
    from dyno_agent.errors import DomainError

T = TypeVar("T")

EXIT_ERROR = 1  # the operation was refused (not found, conflict, no capacity, ...)
EXIT_INVALID = 2  # the input was wrong (like a usage error)

_acting_as: str | None = None  # the global `--as EMAIL` of this invocation


def parse_date(value: str) -> dt.date:
    from dyno_agent.inputs import parse_day

    try:
        return parse_day(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None


def apply_today(today: dt.date | None) -> None:
    """Make `clock.today()` return `today` for this process (the `DYNO_TODAY` setting)."""
    if today is None:
        return
    from dyno_agent.config import get_settings

    os.environ["DYNO_TODAY"] = today.isoformat()
    get_settings.cache_clear()


def act_as(email: str | None) -> None:
    """Run this invocation's writes as the account `email` (the global `--as`), or, with None,
    as the operator: full rights, recorded with the OS user's name."""
    global _acting_as
    _acting_as = email


def acting_as() -> str | None:
    return _acting_as


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (e.g. in some containers)
        return f"uid {os.getuid()}"


async def resolve_actor(session: AsyncSession) -> Actor:
    """The actor of this invocation: the `--as` account, else the operator."""
    from dyno_agent.auth.actor import Actor, Channel
    from dyno_agent.auth.models import Role
    from dyno_agent.auth.service import find_by_email
    from dyno_agent.errors import PermissionDenied, UserNotFound

    label = f"os:{os_user()}"
    if _acting_as is None:
        return Actor.system(Channel.cli, label=label)
    user = await find_by_email(session, _acting_as)
    if user is None:
        raise UserNotFound(f"No user with email {_acting_as.strip().lower()}.", email=_acting_as)
    if not user.is_active:
        raise PermissionDenied(f"The user {user.email} is deactivated.")
    return Actor(user_id=user.id, role=Role(user.role), channel=Channel.cli, label=label)


def run(coro: Coroutine[Any, Any, T]) -> T:
    return asyncio.run(coro)


def open_configured_database() -> Database:
    """DATABASE_URL, or the embedded server (started on demand); keep the result while in use."""
    from dyno_agent.config import get_settings
    from dyno_agent.db.url import open_database

    with reported_errors():
        return open_database(get_settings())


async def _in_transaction(url: URL, work: Callable[[AsyncSession, Actor], Awaitable[T]]) -> T:
    from dyno_agent.audit.stamp import stamp
    from dyno_agent.db.engine import make_engine, make_session_factory

    engine = make_engine(url, pool_size=2)
    try:
        async with make_session_factory(engine)() as session:
            try:
                actor = await resolve_actor(session)
                await stamp(session, actor)
                result = await work(session, actor)
                await session.commit()
            except BaseException:
                await session.rollback()
                raise
            return result
    finally:
        await engine.dispose()


def transact(work: Callable[[AsyncSession], Awaitable[T]], database: Database | None = None) -> T:
    """Run `work` in one transaction that commits on success; errors end the command. The
    transaction is stamped for the audit with this invocation's actor (see `transact_as`)."""

    async def as_actor(session: AsyncSession, _: Actor) -> T:
        return await work(session)

    return transact_as(as_actor, database)


def transact_as(
    work: Callable[[AsyncSession, Actor], Awaitable[T]], database: Database | None = None
) -> T:
    """Like `transact`, handing `work` the actor: the `--as` account or the operator."""
    database = database or open_configured_database()
    with reported_errors():
        return run(_in_transaction(database.url, work))


def fail(message: str, details: dict[str, Any] | None = None, code: int = EXIT_ERROR) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    for key, value in (details or {}).items():
        typer.echo(f"  {key}: {value}", err=True)
    raise typer.Exit(code)


# How the command line names the API's fields in error messages: its flags.
FLAGS = {
    "vehicle_id": "--vehicle",
    "weight_lbs": "--weight",
    "weight_class": "--weight-class",
    "drive_type": "--drive",
    "test_type": "--test-type",
    "start_date": "--start",
    "new_start_date": "--start",
    "end_date": "--end",
    "days_to_complete": "--days",
    "max_backup_days": "--max-backup-days",
    "earliest_start": "--earliest",
    "desired_start": "--desired",
    "vin": "--vin",
    "tag": "--tag",
}
_flag_overrides: dict[str, str] = {}  # a command whose flags differ (`--from`/`--to`) sets these


def use_flags(overrides: dict[str, str]) -> None:
    """Name these fields by other flags in this invocation's error messages (replacing any
    given before)."""
    _flag_overrides.clear()
    _flag_overrides.update(overrides)


def as_flags(text: str, *, whole: bool = False) -> str:
    """`weight_lbs must be ...` -> `--weight must be ...`; pydantic's `Value error, ` goes. In
    running text only field names with an underscore are replaced (`tag` is also a word), and
    `tag or vin`; with `whole`, the text is one field name."""
    from dyno_agent.errors import strip_value_error

    names = FLAGS | _flag_overrides
    if whole:
        return names.get(text, text)
    fields = [n for n in names if "_" in n]
    pattern = r"(?<![\w-])(" + "|".join(map(re.escape, fields)) + r")(?![\w-])"
    text = re.sub(pattern, lambda m: names[m[1]], strip_value_error(text))
    return text.replace("tag or vin", f"{names['tag']} or {names['vin']}")


def fail_with(error: DomainError) -> NoReturn:
    from dyno_agent.errors import InvalidInput

    details = dict(error.details)
    if isinstance(details.get("field"), str):
        details["field"] = as_flags(details["field"], whole=True)
    code = EXIT_INVALID if isinstance(error, InvalidInput) else EXIT_ERROR
    fail(as_flags(error.message), details, code)


@contextmanager
def reported_errors() -> Iterator[None]:
    """Domain, validation and database errors become `error: ...` on stderr and an exit code."""
    from pydantic import ValidationError
    from sqlalchemy.exc import DBAPIError

    from dyno_agent.db.errors import sqlstate, translate
    from dyno_agent.errors import DomainError, strip_value_error

    try:
        yield
    except DomainError as exc:
        fail_with(exc)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            text = as_flags(strip_value_error(err["msg"]))
            problems.append(f"{as_flags(where, whole=True)}: {text}" if where else text)
        fail("; ".join(problems), code=EXIT_INVALID)
    except DBAPIError as exc:
        domain = translate(exc)
        if domain is not None:
            fail_with(domain)
        if sqlstate(exc) == "42P01":  # undefined_table
            fail("the database has no schema yet; run `dyno db upgrade` first.")
        fail(f"database error: {exc.orig or exc}".strip())
    except OSError as exc:
        fail(f"{type(exc).__name__}: {exc}")
