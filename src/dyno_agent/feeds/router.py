"""Calendar feeds: feed tokens (signed in) and the iCalendar feeds they open (token in the URL).

Calendar clients cannot send a bearer token, so a feed URL carries a feed token instead; an
unknown, revoked or disabled user's token answers 404 like a feed that never existed.
"""

from __future__ import annotations

import datetime as dt
from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, Header, Path, Request, Response, status

from dyno_agent.deps import CurrentUser, SessionDep, SettingsDep
from dyno_agent.feeds import links, tokens
from dyno_agent.feeds.schemas import (
    FeedTokenCreate,
    FeedTokenCreated,
    FeedTokenRead,
)
from dyno_agent.feeds.service import FeedKind, FeedWindow, build_feed
from dyno_agent.scheduling import clock

router = APIRouter(prefix="/feeds", tags=["feeds"])

CALENDAR = "text/calendar; charset=utf-8"
# Clients keep the feed but ask again each time; an unchanged feed costs them a 304.
CACHE_CONTROL = "private, no-cache"
_ICS_RESPONSES: dict[int | str, dict] = {
    200: {"content": {"text/calendar": {}}, "description": "The feed as iCalendar."},
    304: {"description": "Unchanged since the ETag sent in If-None-Match."},
}
TokenPath = Annotated[str, Path(max_length=128, description="A feed token.")]


def base_url(request: Request, settings: SettingsDep) -> str:
    return settings.feed_base_url or str(request.base_url)


@router.post("/tokens", response_model=FeedTokenCreated, status_code=status.HTTP_201_CREATED)
async def create_token(
    session: SessionDep,
    user: CurrentUser,
    settings: SettingsDep,
    request: Request,
    body: FeedTokenCreate,
) -> FeedTokenCreated:
    """Make a feed token; the token and its links are shown only in this answer."""
    kind, ref = body.target()
    created, link_set = await links.create_with_links(
        session, user.id, base_url(request, settings), label=body.label, kind=kind, ref=ref
    )
    return FeedTokenCreated.of(created, link_set)


@router.get("/tokens", response_model=list[FeedTokenRead])
async def list_tokens(session: SessionDep, user: CurrentUser) -> list[FeedTokenRead]:
    """Your unrevoked feed tokens (without the secrets, which are not stored)."""
    return [FeedTokenRead.model_validate(row) for row in await tokens.list_tokens(session, user.id)]


@router.delete("/tokens/{token_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_token(session: SessionDep, user: CurrentUser, token_id: int) -> Response:
    """Revoke one of your feed tokens; every feed URL with it stops working at once."""
    await tokens.revoke_token(session, user.id, token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


async def _feed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: str,
    kind: FeedKind,
    ref: str | None,
    if_none_match: str | None,
) -> Response:
    viewer = await tokens.feed_owner(session, token)
    feed = await build_feed(
        session,
        viewer,
        kind,
        ref,
        window=FeedWindow.around(clock.today(), settings.feed_days_back, settings.feed_days_ahead),
        domain=settings.feed_uid_domain or request.url.hostname or "dyno-agent",
    )
    headers = {"ETag": feed.etag, "Cache-Control": CACHE_CONTROL}
    if feed.last_modified is not None:
        headers["Last-Modified"] = format_datetime(
            feed.last_modified.astimezone(dt.UTC), usegmt=True
        )
    if if_none_match and feed.etag in {tag.strip() for tag in if_none_match.split(",")}:
        return Response(status_code=status.HTTP_304_NOT_MODIFIED, headers=headers)
    return Response(feed.body, media_type=CALENDAR, headers=headers)


IfNoneMatch = Annotated[str | None, Header(max_length=1000)]


@router.get("/ical/{token}/mine.ics", response_class=Response, responses=_ICS_RESPONSES)
async def my_feed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: TokenPath,
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The token owner's own bookings as iCalendar."""
    return await _feed(request, session, settings, token, FeedKind.mine, None, if_none_match)


@router.get("/ical/{token}/dyno/{dyno}.ics", response_class=Response, responses=_ICS_RESPONSES)
async def dyno_feed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: TokenPath,
    dyno: Annotated[str, Path(max_length=60, description="The dyno's id or name.")],
    if_none_match: IfNoneMatch = None,
) -> Response:
    """A dyno's bookings and maintenance as iCalendar."""
    return await _feed(request, session, settings, token, FeedKind.dyno, dyno, if_none_match)


@router.get(
    "/ical/{token}/facility/{facility:path}.ics", response_class=Response, responses=_ICS_RESPONSES
)
async def facility_feed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: TokenPath,
    facility: Annotated[str, Path(max_length=60)],
    if_none_match: IfNoneMatch = None,
) -> Response:
    """The bookings and maintenance of every dyno in a facility as iCalendar."""
    return await _feed(
        request, session, settings, token, FeedKind.facility, facility, if_none_match
    )


@router.get(
    "/ical/{token}/vehicle/{vehicle:path}.ics", response_class=Response, responses=_ICS_RESPONSES
)
async def vehicle_feed(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    token: TokenPath,
    vehicle: Annotated[str, Path(max_length=40, description="The vehicle's id, tag or VIN.")],
    if_none_match: IfNoneMatch = None,
) -> Response:
    """A vehicle's bookings as iCalendar."""
    return await _feed(request, session, settings, token, FeedKind.vehicle, vehicle, if_none_match)
