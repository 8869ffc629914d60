"""The calendar-feed tool: a new feed link (with a new feed token) for the user's own bookings, a
dyno, a facility or a vehicle. Tokens are stored hashed and cannot be shown again, so each link
needs a new token: the tool asks before making one."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from dyno_agent.agent.tools.args import DYNO, MAX_ID, TAG, VIN
from dyno_agent.agent.tools.base import ToolEnv, ToolOutcome, ToolSpec
from dyno_agent.config import Settings
from dyno_agent.errors import InvalidInput
from dyno_agent.feeds import links
from dyno_agent.feeds.service import FeedKind, resolve_target
from dyno_agent.inputs import InputModel

FEEDS = {
    "mine": "your own bookings",
    "dyno": "dyno {ref}",
    "facility": "facility {ref}",
    "vehicle": "vehicle {ref}",
}


class CalendarFeedArgs(InputModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    feed: Literal["mine", "dyno", "facility", "vehicle"] = Field(
        "mine",
        description="Whose bookings: 'mine' (the user's own), or one dyno, facility or vehicle.",
    )
    dyno: str | int | None = Field(None, description=DYNO + " With feed='dyno'.")
    facility: str | None = Field(None, description="Facility name, with feed='facility'.")
    vehicle_id: int | None = Field(None, ge=1, le=MAX_ID, description="With feed='vehicle'.")
    tag: str | None = Field(None, description=TAG)
    vin: str | None = Field(None, description=VIN)
    label: str | None = Field(None, max_length=80, description="A name for the link, optional.")

    def target(self) -> tuple[FeedKind, str | None]:
        kind = FeedKind(self.feed)
        refs = {
            FeedKind.mine: None,
            FeedKind.dyno: self.dyno,
            FeedKind.facility: self.facility,
            FeedKind.vehicle: self.vehicle_id or self.tag or self.vin,
        }
        ref = refs[kind]
        if kind is not FeedKind.mine and ref is None:
            raise InvalidInput(
                f"Say which {kind.value} the calendar feed is for.", field=kind.value
            )
        return kind, None if ref is None else str(ref)


def base_url(settings: Settings) -> str:
    return settings.feed_base_url or f"http://{settings.host}:{settings.port}"


def _user_id(env: ToolEnv) -> int:
    if env.actor.user_id is None:
        raise InvalidInput(
            "Calendar feeds belong to a user account; sign in (or use `dyno --as EMAIL`).",
            field="user",
        )
    return env.actor.user_id


def _what(kind: FeedKind, ref: str | None) -> str:
    return FEEDS[kind.value].format(ref=ref)


async def ask_feed_link(env: ToolEnv, x: CalendarFeedArgs) -> str:
    _user_id(env)
    kind, ref = x.target()
    if kind is not FeedKind.mine:
        await resolve_target(env.session, kind, ref)  # an unknown one is refused, not asked
    return (
        f"Make a new calendar feed link for {_what(kind, ref)}? It creates a feed token in your "
        "name that anyone with the link can read; revoke it under Calendar feeds "
        "(or `dyno feeds revoke`)."
    )


async def calendar_feed_link(env: ToolEnv, x: CalendarFeedArgs) -> ToolOutcome:
    kind, ref = x.target()
    label = x.label or f"Chat: {_what(kind, ref)}"
    created, link_set = await links.create_with_links(
        env.session, _user_id(env), base_url(env.settings), label=label[:80], kind=kind, ref=ref
    )
    data = {
        "url": link_set.url,
        "feed": kind.value,
        "ref": ref,
        "token_id": created.row.id,
        "label": created.row.label,
    }
    return ToolOutcome.success(f"Calendar feed for {_what(kind, ref)}: {link_set.url}", data)


FEED_TOOLS = [
    ToolSpec(
        "calendar_feed_link",
        "Give the user an iCalendar (.ics) subscription link for their own bookings, a dyno, a "
        "facility or a vehicle, for Outlook, Google or Apple Calendar. Makes a new revocable "
        "feed token; the user is asked to confirm first.",
        CalendarFeedArgs,
        calendar_feed_link,
        destructive=True,
        question=ask_feed_link,
    ),
]
