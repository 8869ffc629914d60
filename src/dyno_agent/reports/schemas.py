"""The business report's JSON (GET /api/v1/reports/business)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from dyno_agent.reports.business import BusinessReport, PeriodFigures, UtilizationFigure


class UtilizationFigureRead(BaseModel):
    booked_days: int
    available_days: int = Field(description="Enabled, commissioned days not in maintenance.")
    utilization: float | None = Field(description="booked / available; null with no days.")

    @classmethod
    def of(cls, figure: UtilizationFigure) -> UtilizationFigureRead:
        return cls(
            booked_days=figure.booked_days,
            available_days=figure.available_days,
            utilization=figure.ratio,
        )


class DynoUtilizationRead(UtilizationFigureRead):
    dyno_id: int
    dyno: str
    facility: str


class FacilityUtilizationRead(UtilizationFigureRead):
    facility: str


class PeriodRead(BaseModel):
    period: str = Field(description="`week` (Monday to Sunday) or `month`, around today.")
    start_date: dt.date
    end_date: dt.date
    utilization: UtilizationFigureRead = Field(description="Over every dyno.")
    dynos: list[DynoUtilizationRead]
    facilities: list[FacilityUtilizationRead]
    bookings: int = Field(description="Non-cancelled bookings whose test starts in the period.")
    tests_completed: int = Field(description="Completed bookings that end in the period.")
    requested_starts: int = Field(
        description="Booked test requests whose test starts in the period."
    )
    on_time_starts: int = Field(description="... starting on or before the desired start.")
    on_time_ratio: float | None
    lead_time_mean_days: float | None = Field(
        description="Days from the request's creation to its test's start (negative counts 0)."
    )
    lead_time_median_days: float | None
    planning_time_saved_hours: float = Field(
        description="ESTIMATE: bookings x manual_minutes_per_booking / 60."
    )

    @classmethod
    def of(cls, p: PeriodFigures) -> PeriodRead:
        return cls(
            period=p.period,
            start_date=p.start_date,
            end_date=p.end_date,
            utilization=UtilizationFigureRead.of(p.overall),
            dynos=[
                DynoUtilizationRead(
                    dyno_id=d.dyno_id,
                    dyno=d.dyno,
                    facility=d.facility,
                    booked_days=d.booked_days,
                    available_days=d.available_days,
                    utilization=d.ratio,
                )
                for d in p.dynos
            ],
            facilities=[
                FacilityUtilizationRead(
                    facility=f.facility,
                    booked_days=f.booked_days,
                    available_days=f.available_days,
                    utilization=f.ratio,
                )
                for f in p.facilities
            ],
            bookings=p.bookings,
            tests_completed=p.tests_completed,
            requested_starts=p.starts,
            on_time_starts=p.on_time_starts,
            on_time_ratio=p.on_time_ratio,
            lead_time_mean_days=p.lead_time_mean_days,
            lead_time_median_days=p.lead_time_median_days,
            planning_time_saved_hours=p.time_saved_hours,
        )


class BacklogRead(BaseModel):
    open: int = Field(description="Test requests waiting for a dyno.")
    planned: int = Field(description="Test requests in a plan under review.")
    oldest_open_days: int | None = Field(description="Age of the oldest open request.")


class BusinessReportRead(BaseModel):
    today: dt.date
    generated_at: dt.datetime = Field(description="When the figures were computed (cached).")
    manual_minutes_per_booking: float = Field(
        description="DYNO_MANUAL_MINUTES_PER_BOOKING, the basis of the time-saved estimate."
    )
    backlog: BacklogRead
    periods: list[PeriodRead]

    @classmethod
    def of(cls, report: BusinessReport) -> BusinessReportRead:
        return cls(
            today=report.today,
            generated_at=report.generated_at,
            manual_minutes_per_booking=report.manual_minutes_per_booking,
            backlog=BacklogRead(
                open=report.backlog.get("open", 0),
                planned=report.backlog.get("planned", 0),
                oldest_open_days=report.oldest_open_days,
            ),
            periods=[PeriodRead.of(p) for p in report.periods],
        )
