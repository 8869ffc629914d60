"""Who is acting, in which role, through which channel; passed to every domain write."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from dyno_agent.auth.models import ROLE_RANK, Role


class Channel(enum.StrEnum):
    api = "api"
    agent = "agent"
    cli = "cli"
    import_ = "import"
    plan = "plan"  # a committed plan's bookings (the edge it came through is in the label)


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    role: Role
    channel: Channel
    # Who is behind the channel when there is no user row or it says too little (the OS user
    # of a CLI command); recorded by the audit triggers as `actor_label`.
    label: str | None = None

    def has_role(self, role: Role) -> bool:
        return ROLE_RANK[self.role] >= ROLE_RANK[role]

    @classmethod
    def system(cls, channel: Channel = Channel.cli, label: str | None = None) -> Actor:
        """The operator at the command line or an importer: full rights, no user row."""
        return cls(user_id=None, role=Role.admin, channel=channel, label=label)
