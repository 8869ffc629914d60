"""Tell the audit trigger who is acting: transaction-local settings read by `allocations_audit`."""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor


async def stamp(session: AsyncSession, actor: Actor) -> None:
    await session.execute(
        text(
            "SELECT set_config('dyno.actor_id', :actor, true),"
            " set_config('dyno.channel', :ch, true)"
        ),
        {"actor": "" if actor.user_id is None else str(actor.user_id), "ch": actor.channel.value},
    )
