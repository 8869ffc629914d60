"""Domain results of the series service shaped as the read schemas (API, CLI and agent)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling.schemas.allocations import AllocationRead, VehicleBrief
from dyno_agent.series import service
from dyno_agent.series.models import BookingSeries
from dyno_agent.series.schemas import (
    OccurrenceRead,
    SeriesBookingRead,
    SeriesChangeRead,
    SeriesDetails,
    SeriesRead,
)


def booking_read(result: service.SeriesBooking) -> SeriesBookingRead:
    return SeriesBookingRead(
        series=SeriesRead.model_validate(result.series) if result.series else None,
        pattern=result.pattern,
        dyno_name=result.dyno_name,
        occurrences=[OccurrenceRead.model_validate(o.__dict__) for o in result.occurrences],
        booked=result.booked,
        skipped=result.skipped,
        message=result.message,
    )


def change_read(change: service.SeriesChange) -> SeriesChangeRead:
    return SeriesChangeRead.model_validate(change, from_attributes=True)


async def details_read(session: AsyncSession, series: BookingSeries) -> SeriesDetails:
    occurrences = await service.series_allocations(session, series.id)
    vehicle = await service.series_vehicle(session, series)
    return SeriesDetails(
        **SeriesRead.model_validate(series).model_dump(),
        vehicle=VehicleBrief.model_validate(vehicle),
        occurrences=[AllocationRead.model_validate(a) for a in occurrences],
    )
