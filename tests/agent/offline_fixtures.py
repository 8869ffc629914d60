"""Shared vocabularies and the pinned day for the offline parser tests (no database needed)."""

from __future__ import annotations

import datetime as dt

TODAY = dt.date(2026, 3, 2)  # a Monday
TEST_TYPES = [
    "150k mileage",
    "4k certification",
    "brake",
    "emissions",
    "durability",
    "coastdown",
    "evap",
    "not cert-durability",
]
DYNO_NAMES = ["MPG 1", "MPG 2", "MPG 3", "MPG 10", "TRP #1", "Track"]


def d(month: int, day: int, year: int = 2026) -> dt.date:
    return dt.date(year, month, day)
