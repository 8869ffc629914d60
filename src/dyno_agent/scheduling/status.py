"""The allocation statuses, without the ORM, so the command line can offer them cheaply."""

from __future__ import annotations

import enum


class AllocationStatus(enum.StrEnum):
    scheduled = "scheduled"
    delayed = "delayed"
    running = "running"
    completed = "completed"
    cancelled = "cancelled"
    held = "held"  # a slot offered to a waiting request: occupies it until accepted or expired
    # Booked on a dyno that needs approval; holds the slot until a power user decides.
    requested = "requested"
