"""Feed URLs: where a token's feeds live, and which feed a dyno/facility/vehicle reference names."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.feeds.service import FeedKind, resolve_target
from dyno_agent.feeds.tokens import NewToken, create_token

FEEDS_PATH = "/api/v1/feeds/ical"


@dataclass(frozen=True)
class FeedLinkSet:
    url: str
    mine: str
    dyno: str
    facility: str
    vehicle: str

    def as_dict(self) -> dict[str, str]:
        return dict(self.__dict__)


def token_root(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}{FEEDS_PATH}/{token}"


def feed_url(base_url: str, token: str, kind: FeedKind, ref: str | None = None) -> str:
    root = token_root(base_url, token)
    if kind is FeedKind.mine:
        return f"{root}/mine.ics"
    return f"{root}/{kind.value}/{quote(str(ref), safe='')}.ics"


async def links_for(
    session: AsyncSession,
    base_url: str,
    token: str,
    kind: FeedKind = FeedKind.mine,
    ref: str | None = None,
) -> FeedLinkSet:
    """Every link of a token, `url` being the one asked for (its reference checked, so a typo
    fails now rather than in the calendar client)."""
    canonical = await resolve_target(session, kind, ref) if kind is not FeedKind.mine else None
    root = token_root(base_url, token)
    return FeedLinkSet(
        url=feed_url(base_url, token, kind, canonical),
        mine=f"{root}/mine.ics",
        dyno=f"{root}/dyno/{{dyno}}.ics",
        facility=f"{root}/facility/{{facility}}.ics",
        vehicle=f"{root}/vehicle/{{vehicle}}.ics",
    )


async def create_with_links(
    session: AsyncSession,
    user_id: int,
    base_url: str,
    *,
    label: str | None = None,
    kind: FeedKind = FeedKind.mine,
    ref: str | None = None,
) -> tuple[NewToken, FeedLinkSet]:
    """A new token for the user and its links, `url` being the feed `kind`/`ref`; the reference
    is checked before the token is made."""
    if kind is not FeedKind.mine:
        await resolve_target(session, kind, ref)
    created = await create_token(session, user_id, label)
    return created, await links_for(session, base_url, created.token, kind, ref)
