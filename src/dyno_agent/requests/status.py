"""The test-request statuses, without the ORM, so the command line can offer them cheaply."""

from __future__ import annotations

import enum


class RequestStatus(enum.StrEnum):
    open = "open"  # waiting for a dyno
    planned = "planned"  # in a plan under review
    booked = "booked"  # became `allocation_id`
    cancelled = "cancelled"
