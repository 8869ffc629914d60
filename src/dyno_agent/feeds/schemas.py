"""Request and response bodies of the feed-token endpoints."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, model_validator

from dyno_agent.feeds.links import FeedLinkSet
from dyno_agent.feeds.service import FeedKind
from dyno_agent.feeds.tokens import LABEL_MAX_LENGTH, NewToken
from dyno_agent.inputs import InputModel


class FeedTokenCreate(InputModel):
    """A label, and optionally the one feed to return the link of (else your own bookings)."""

    model_config = ConfigDict(extra="forbid")

    label: str | None = Field(
        None,
        max_length=LABEL_MAX_LENGTH,
        examples=["Outlook at work"],
        description="Your name for it.",
    )
    dyno: str | None = Field(None, max_length=60, description="A dyno's id or name.")
    facility: str | None = Field(None, max_length=60)
    vehicle: str | None = Field(None, max_length=40, description="A vehicle's id, tag or VIN.")

    @model_validator(mode="after")
    def _one_feed(self) -> FeedTokenCreate:
        given = [name for name in ("dyno", "facility", "vehicle") if getattr(self, name)]
        if len(given) > 1:
            raise ValueError(f"Give at most one of dyno, facility and vehicle, not {given}.")
        return self

    def target(self) -> tuple[FeedKind, str | None]:
        """The feed whose link to return: the one named, else the user's own bookings."""
        for kind in (FeedKind.dyno, FeedKind.facility, FeedKind.vehicle):
            if value := getattr(self, kind.value):
                return kind, value
        return FeedKind.mine, None


class FeedTokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    label: str
    prefix: str = Field(description="The token's first characters, to tell tokens apart.")
    created_at: dt.datetime
    last_used_at: dt.datetime | None


class FeedLinks(BaseModel):
    """The feed URLs a token opens; `{dyno}`, `{facility}` and `{vehicle}` are placeholders."""

    url: str = Field(description="The feed asked for (your own bookings if none was named).")
    mine: str
    dyno: str
    facility: str
    vehicle: str


class FeedTokenCreated(FeedTokenRead):
    token: str = Field(description="The secret; shown only now, store it or copy the URL.")
    links: FeedLinks

    @classmethod
    def of(cls, created: NewToken, links: FeedLinkSet) -> FeedTokenCreated:
        return cls(
            **FeedTokenRead.model_validate(created.row).model_dump(),
            token=created.token,
            links=FeedLinks(**links.as_dict()),
        )
