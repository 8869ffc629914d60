"""How tool results show bookings and vehicles: the API's shapes, vehicles with their weight."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from dyno_agent.scheduling.models import Allocation, Vehicle
from dyno_agent.scheduling.schemas.allocations import AllocationRead, VehicleBrief

LIST_LIMIT = 50


class VehicleResult(VehicleBrief):
    weight_lbs: int | None


class AllocationResult(AllocationRead):
    vehicle: VehicleResult


def vehicle(item: Vehicle) -> dict[str, Any]:
    return VehicleResult.model_validate(item).model_dump(mode="json")


def allocation(item: Allocation) -> AllocationResult:
    return AllocationResult.model_validate(item)


def allocations(items: Sequence[Allocation]) -> list[dict[str, Any]]:
    return [allocation(x).model_dump(mode="json") for x in items]


def span(item: AllocationRead) -> str:
    dyno = item.dyno.name if item.dyno else "no dyno"
    return f"#{item.id} {item.test_type} on {dyno}, {item.start_date} to {item.end_date}"
