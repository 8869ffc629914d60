"""Mileage steps, normalised once at the boundary.

A step is a mileage range or a label. Ranges are written `<from>K-<to>K` (`0K - 5K`, `75K -112.5K`,
`75K 150K`, `0-4K` -> `0K-5K`, `75K-112.5K`, `75K-150K`, `0K-4K`; a bare number takes the other
side's thousands, so `20-150K` is `20K-150K`) and carry their bounds in miles: a vehicle's steps
run in the order of `from_miles` (0K-5K, then 5K-75K, then 75K-150K). Anything else (the workbook
puts program names such as `P702` there for certification tests) is a label: upper-case with single
spaces, with no mileage and no order.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from dyno_agent.errors import InvalidInput

MAX_LENGTH = 40
_RANGE = re.compile(
    r"^(?P<a>\d+(?:\.\d+)?)\s*(?P<ak>K?)\s*(?:-|TO|\s)\s*(?P<b>\d+(?:\.\d+)?)\s*(?P<bk>K?)$"
)


@dataclass(frozen=True)
class MileageStep:
    label: str  # what is stored and compared: `0K-5K`, `P702`
    from_miles: int | None = None
    to_miles: int | None = None

    @property
    def is_range(self) -> bool:
        return self.from_miles is not None


def _thousands(text: str) -> str:
    number = Decimal(text).normalize()
    return f"{number:f}K"


def parse_mileage_step(value: str) -> MileageStep:
    text = re.sub(r"\s+", " ", value).strip().upper()
    if not text or len(text) > MAX_LENGTH:
        raise InvalidInput(
            f"Mileage step must be 1 to {MAX_LENGTH} characters.", field="mileage_step"
        )
    match = _RANGE.fullmatch(text)
    if match is None or not (match["ak"] or match["bk"]):
        return MileageStep(text)
    try:
        low, high = Decimal(match["a"]), Decimal(match["b"])
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return MileageStep(text)
    from_miles, to_miles = int(low * 1000), int(high * 1000)
    if from_miles >= to_miles:
        raise InvalidInput(
            f"Mileage step {value.strip()!r} must go from a lower to a higher mileage.",
            field="mileage_step",
        )
    if to_miles > 2_000_000_000:
        raise InvalidInput(f"Mileage step {value.strip()!r} is too large.", field="mileage_step")
    label = f"{_thousands(match['a'])}-{_thousands(match['b'])}"
    return MileageStep(label, from_miles, to_miles)


def normalize_mileage_step(value: str) -> str:
    return parse_mileage_step(value).label
