"""Tell the audit triggers who is acting: transaction-local settings read by `audit_row` and
`allocations_audit`. Each edge stamps its transaction once it knows the actor (the API in
`deps.current_user`, the CLI in `cli.runtime.transact`, the agent per tool call); a write with no
stamp is recorded with the channel `sql`."""

from __future__ import annotations

from sqlalchemy import ColumnElement, func, text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor

LABEL_MAX = 120

_STAMP = text(
    "SELECT set_config('dyno.actor_id', :actor, true),"
    " set_config('dyno.channel', :channel, true),"
    " set_config('dyno.actor_label', :label, true)"
)


async def stamp(session: AsyncSession, actor: Actor) -> None:
    await session.execute(
        _STAMP,
        {
            "actor": "" if actor.user_id is None else str(actor.user_id),
            "channel": actor.channel.value,
            "label": (actor.label or "")[:LABEL_MAX],
        },
    )


def columns(actor: Actor) -> tuple[ColumnElement[str], ...]:
    """The same settings as `stamp`, as columns to add to a statement the caller runs anyway
    (one round trip fewer on hot paths)."""
    values = (
        ("dyno.actor_id", "" if actor.user_id is None else str(actor.user_id)),
        ("dyno.channel", actor.channel.value),
        ("dyno.actor_label", (actor.label or "")[:LABEL_MAX]),
    )
    return tuple(func.set_config(name, value, True) for name, value in values)
