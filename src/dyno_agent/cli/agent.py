"""The agent from the command line: `dyno ask`, `dyno resume`, `dyno chat` and `dyno eval`.

`ask`/`resume`/`chat` run turns through the same ChatService as the chat API, on the configured
database, as a real user (`--user`, default: the first active admin). `--json` prints exactly the
chat's event dicts, one JSON object per line (the SSE `data:` payloads).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer

from dyno_agent.cli.output import JsonFlag
from dyno_agent.cli.runtime import (
    EXIT_INVALID,
    acting_as,
    apply_today,
    fail,
    open_configured_database,
    parse_date,
    reported_errors,
    run,
)

# The agent stack (LangChain, LangGraph, the evaluation) is imported by the functions that run it.
if TYPE_CHECKING:
    from sqlalchemy.ext.asyncio import AsyncSession

    from dyno_agent.agent import evaluation
    from dyno_agent.agent.runner import ChatService, Turn
    from dyno_agent.auth.models import User
    from dyno_agent.db.url import Database

MAX_APPROVALS = 10  # --yes approves at most this many confirmations in one command

Today = Annotated[
    dt.date | None,
    typer.Option(parser=parse_date, metavar="YYYY-MM-DD", help="Pretend today is this day."),
]
UserEmail = Annotated[
    str | None, typer.Option("--user", help="Act as this user (default: the first active admin).")
]


def _conversation_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a conversation id (a UUID).") from None


Conversation = Annotated[
    uuid.UUID | None,
    typer.Option(
        "--conversation", parser=_conversation_id, metavar="ID", help="Continue this conversation."
    ),
]


# Who and what ------------------------------------------------------------------------------------
async def pick_user(session: AsyncSession, email: str | None) -> User:
    """The user named by email, or the first active admin (lowest id)."""
    from sqlalchemy import select

    from dyno_agent.auth.models import Role, User
    from dyno_agent.auth.service import find_by_email
    from dyno_agent.errors import PermissionDenied, UserNotFound

    if email is None:
        query = select(User).where(User.role == Role.admin.value, User.is_active).order_by(User.id)
        user = await session.scalar(query.limit(1))
        if user is None:
            raise UserNotFound(
                "There is no active admin; pass --user EMAIL or create one with "
                "`dyno users create EMAIL --role admin`."
            )
        return user
    user = await find_by_email(session, email)
    if user is None:
        raise UserNotFound(f"No user with email {email.strip().lower()}.", email=email)
    if not user.is_active:
        raise PermissionDenied(f"The user {user.email} is deactivated.")
    return user


@asynccontextmanager
async def agent_session(
    database: Database, email: str | None
) -> AsyncIterator[tuple[ChatService, User]]:
    """A ChatService on the database and the user it acts for (the user is resolved first, so a
    missing schema or an unreachable server is reported before the checkpointer starts)."""
    from dyno_agent.agent.service import build_chat, open_checkpointer
    from dyno_agent.config import get_settings
    from dyno_agent.db.engine import make_engine, make_session_factory

    engine = make_engine(database.url, pool_size=2)
    try:
        factory = make_session_factory(engine)
        async with factory() as session:
            user = await pick_user(session, email or acting_as())
        async with open_checkpointer(engine, max_size=2) as checkpointer:
            yield build_chat(get_settings(), factory, checkpointer), user
    finally:
        await engine.dispose()


@contextmanager
def agent_errors() -> Iterator[None]:
    """The CLI's usual error output, plus the checkpointer's own (psycopg) connection errors."""
    import psycopg

    with reported_errors():
        try:
            yield
        except psycopg.Error as exc:
            fail(f"database error: {exc}".strip())


def require_model() -> None:
    """End the command with a clear error when the configured model's extra is not installed."""
    from dyno_agent.agent.providers import require_provider
    from dyno_agent.config import get_settings

    with reported_errors():
        require_provider(get_settings().llm_spec())


# Printing events ---------------------------------------------------------------------------------
class EventPrinter:
    """JSON lines, or text for people: the answer, `→ tool(args)` / `← summary`, the prompt."""

    def __init__(self, as_json: bool) -> None:
        self.as_json = as_json
        self.confirm: dict[str, Any] | None = None
        self.failed = False
        self._streamed = False

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event["type"]
        if kind == "confirm":
            self.confirm = event
        elif kind == "error":
            self.failed = True
        if self.as_json:
            typer.echo(json.dumps(event, default=str))
            return
        if kind == "token":
            typer.echo(event["text"], nl=False)
            self._streamed = True
            return
        if self._streamed:
            typer.echo()  # end the streamed line; its `assistant` event is not printed again
            self._streamed = False
            if kind == "assistant":
                return
        if kind == "assistant":
            typer.echo(event["content"])
        elif kind == "tool_call":
            args = ", ".join(f"{k}={json.dumps(v, default=str)}" for k, v in event["args"].items())
            typer.echo(f"→ {event['name']}({args})")
        elif kind == "tool_result":
            typer.echo(f"← {event['summary']}" if event["ok"] else f"← ✗ {event['summary']}")
        elif kind == "confirm":
            typer.echo(f"? {event['prompt']}")
        elif kind == "error":
            typer.echo(f"error: {event['message']}", err=True)


async def play(chat: ChatService, turn: Turn, printer: EventPrinter) -> None:
    printer.confirm = None
    async for event in chat.events(turn):
        printer(event)


async def approve_all(chat: ChatService, user: User, turn: Turn, printer: EventPrinter) -> None:
    """With --yes: approve each confirmation the turn stops at, and keep printing."""
    for _ in range(MAX_APPROVALS):
        if printer.confirm is None:
            return
        await play(chat, await chat.prepare_resume(user, turn.conversation_id, True), printer)


def _resume_hint(conversation_id: uuid.UUID, email: str | None) -> None:
    who = f" --user {email}" if email else ""
    typer.echo(
        "Waiting for your confirmation. Answer with "
        f"`dyno resume {conversation_id} --approve{who}` (or --reject).",
        err=True,
    )


def _finish(printer: EventPrinter, turn: Turn, email: str | None, yes: bool) -> None:
    if printer.confirm is not None and not yes and not printer.as_json:
        _resume_hint(turn.conversation_id, email)
    if printer.failed:
        raise typer.Exit(1)


# Commands ----------------------------------------------------------------------------------------
def ask(
    message: Annotated[str, typer.Argument(help="What to ask the agent.")],
    as_json: JsonFlag = False,
    today: Today = None,
    user: UserEmail = None,
    conversation: Conversation = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Approve confirmations.")] = False,
) -> None:
    """One chat turn with the agent (the chat API's events with --json)."""
    _play_turn(
        lambda chat, who: chat.prepare_message(who, message, conversation),
        as_json=as_json,
        today=today,
        user=user,
        yes=yes,
    )


def resume(
    conversation: Annotated[
        uuid.UUID, typer.Argument(parser=_conversation_id, metavar="ID", help="Conversation id.")
    ],
    approve: Annotated[
        bool, typer.Option("--approve/--reject", help="Answer the pending confirmation.")
    ],
    as_json: JsonFlag = False,
    today: Today = None,
    user: UserEmail = None,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Approve later confirmations.")] = False,
) -> None:
    """Approve or reject the confirmation a conversation is waiting for, and finish the turn."""
    _play_turn(
        lambda chat, who: chat.prepare_resume(who, conversation, approve),
        as_json=as_json,
        today=today,
        user=user,
        yes=yes,
    )


def _play_turn(
    prepare: Callable[[ChatService, User], Awaitable[Turn]],
    *,
    as_json: bool,
    today: dt.date | None,
    user: str | None,
    yes: bool,
) -> None:
    """Open the database, prepare the turn, print its events (approving further ones with yes)."""
    apply_today(today)
    require_model()
    database = open_configured_database()
    printer = EventPrinter(as_json)

    async def work() -> Turn:
        async with agent_session(database, user) as (chat, who):
            turn = await prepare(chat, who)
            await play(chat, turn, printer)
            if yes:
                await approve_all(chat, who, turn, printer)
            return turn

    with agent_errors():
        turn = run(work())
    _finish(printer, turn, user, yes)


def _read(prompt: str) -> str | None:
    try:
        return click.prompt(prompt, prompt_suffix="> ", default="", show_default=False)
    except click.exceptions.Abort:  # Ctrl-D or Ctrl-C
        typer.echo()
        return None


def _approve() -> bool | None:
    try:
        return click.confirm("Approve?", default=False)
    except click.exceptions.Abort:
        typer.echo()
        return None


def chat(
    user: UserEmail = None,
    today: Today = None,
    conversation: Conversation = None,
) -> None:
    """Talk with the agent: `you> ` prompts, y/n on confirmations, `exit` or Ctrl-D ends."""
    apply_today(today)
    require_model()
    database = open_configured_database()

    async def work() -> None:
        async with agent_session(database, user) as (service, who):
            typer.echo(f"Dyno Agent as {who.email}. Type `exit` or press Ctrl-D to leave.")
            conversation_id = conversation
            while (line := await asyncio.to_thread(_read, "you")) is not None:
                if line.strip().lower() in ("exit", "quit"):
                    break
                if not line.strip():
                    continue
                turn = await service.prepare_message(who, line, conversation_id)
                conversation_id = turn.conversation_id
                printer = EventPrinter(as_json=False)
                await play(service, turn, printer)
                while printer.confirm is not None:
                    answer = await asyncio.to_thread(_approve)
                    if answer is None:  # left pending; `dyno resume` can answer it later
                        _resume_hint(conversation_id, user)
                        return
                    resumed = await service.prepare_resume(who, conversation_id, answer)
                    await play(service, resumed, printer)
                typer.echo()

    with agent_errors():
        run(work())


def eval_cases(
    file: Annotated[
        Path,
        typer.Argument(
            help="A cases file (YAML or JSON), e.g. eval/cases.yaml, or a directory: every "
            "*.yaml in it, e.g. eval/."
        ),
    ],
    today: Annotated[
        dt.date | None,
        typer.Option(
            parser=parse_date,
            metavar="YYYY-MM-DD",
            help="Today for the cases (default: the file's).",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per case, then the totals.")
    ] = False,
    min_pass: Annotated[
        float, typer.Option(min=0.0, max=1.0, help="Exit 0 when at least this share passes.")
    ] = 0.9,
) -> None:
    """Score the configured model (DYNO_LLM) on an evaluation set; no database needed. Prints
    one line per case, the pass rates per category, then `N passed, M failed`."""
    from dyno_agent.agent import evaluation
    from dyno_agent.agent.models import make_model_factory
    from dyno_agent.config import get_settings

    require_model()
    try:
        cases = evaluation.load_cases(file)
    except evaluation.EvalFileError as exc:
        fail(str(exc), code=EXIT_INVALID)
    try:
        model = make_model_factory(get_settings())()
    except Exception as exc:  # a provider package or key missing
        fail(f"cannot build the model {get_settings().llm_spec()!r}: {exc}")

    def show(result: evaluation.CaseResult) -> None:
        typer.echo(json.dumps(result.as_dict()) if as_json else result.line())

    report = run(evaluation.evaluate(cases, model, today=today, on_result=show))
    if as_json:
        totals = {
            "passed": report.passed,
            "failed": report.failed,
            "pass_rate": report.pass_rate,
            "categories": [row.as_dict() for row in report.by_category()],
        }
        typer.echo(json.dumps(totals))
        typer.echo(report.summary_line(), err=True)
    else:
        for line in report.category_table():
            typer.echo(line)
        typer.echo(report.summary_line())
    if report.pass_rate < min_pass:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    for command in (ask, resume, chat):
        app.command(rich_help_panel="Agent")(command)
    app.command("eval", rich_help_panel="Agent")(eval_cases)
