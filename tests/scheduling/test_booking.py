"""The booking engine: auto-allocation, named bookings, and why a booking is refused."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent import errors
from dyno_agent.auth.models import User
from dyno_agent.scheduling import booking
from dyno_agent.scheduling.models import Allocation, AllocationEvent, Dyno
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_maintenance, make_vehicle
from tests.scheduling.conftest import actor_of

MONDAY = TODAY + dt.timedelta(days=7)


def day(n: int) -> dt.date:
    return MONDAY + dt.timedelta(days=n)


class TestAutoAllocate:
    async def test_places_on_the_least_needed_compatible_dyno(
        self, session: AsyncSession, workbook_dynos: dict[str, Dyno], engineer: User
    ):
        vehicle = await make_vehicle(session, drive_type="2WD", weight_lbs=6000)
        result = await booking.auto_allocate(
            session,
            actor_of(engineer),
            vehicle_id=vehicle.id,
            test_type="150K  Mileage",
            start_date=MONDAY,
            days_to_complete=3,
        )
        assert result.message == "Allocated in requested window."
        assert result.shift_days == 0
        allocation = result.allocation
        # MPG 22-28, VTS and ATDL are equally little needed elsewhere; the lowest id wins.
        assert allocation.dyno.name == "MPG 22"
        assert (allocation.start_date, allocation.end_date) == (MONDAY, day(2))
        assert allocation.test_type == "150k mileage"
        assert allocation.status == "scheduled"
        assert allocation.created_by == engineer.id

    async def test_a_facility_keeps_the_test_in_that_facility(
        self, session: AsyncSession, workbook_dynos: dict[str, Dyno], engineer: User
    ):
        vehicle = await make_vehicle(session, drive_type="2WD", weight_lbs=6000)
        result = await booking.auto_allocate(
            session,
            actor_of(engineer),
            vehicle_id=vehicle.id,
            test_type="150k mileage",
            start_date=MONDAY,
            days_to_complete=3,
            facility=" vts ",
        )
        # Without the facility MPG 22 would win (the test above).
        assert result.allocation.dyno.name == "VTS #1"
        with pytest.raises(errors.NotCompatible) as refused:
            await booking.auto_allocate(
                session,
                actor_of(engineer),
                vehicle_id=vehicle.id,
                test_type="150k mileage",
                start_date=day(10),
                days_to_complete=3,
                facility="Track",
            )
        assert "in Track" in refused.value.message

    async def test_keeps_scarce_dynos_for_last(
        self, session: AsyncSession, workbook_dynos: dict[str, Dyno], engineer: User
    ):
        vehicle = await make_vehicle(session, drive_type="AWD", weight_lbs=12000)
        placed = []
        for _ in range(9):
            other = await make_vehicle(session, drive_type="AWD", weight_lbs=12000)
            result = await booking.auto_allocate(
                session,
                actor_of(engineer),
                vehicle_id=other.id,
                test_type="150k mileage",
                start_date=MONDAY,
                days_to_complete=5,
            )
            placed.append(result.allocation.dyno.name)
        # TRP first (little else needs them), MPG 1 and 2 (evap, durability) last.
        assert placed[:3] == ["TRP #1", "TRP #2", "TRP #3"]
        assert placed[-2:] == ["MPG 1", "MPG 2"]
        with pytest.raises(errors.NoCapacity) as refused:
            await booking.auto_allocate(
                session,
                actor_of(engineer),
                vehicle_id=vehicle.id,
                test_type="150k mileage",
                start_date=MONDAY,
                days_to_complete=5,
            )
        details = refused.value.details
        assert {b["dyno"] for b in details["blocked"]} == set(placed)
        assert {b["reason"] for b in details["blocked"]} == {"busy"}
        assert details["earliest_start"] == day(5).isoformat()
        assert "earliest" in refused.value.message

    async def test_backup_shift_finds_the_first_later_start(
        self, session: AsyncSession, engineer: User
    ):
        dyno = await make_dyno(session, "Brake 1")
        blocker = await make_vehicle(session)
        await make_allocation(session, blocker, dyno, MONDAY, day(1))
        vehicle = await make_vehicle(session, vin="1FTFW1E50PFA12345")
        result = await booking.auto_allocate(
            session,
            actor_of(engineer),
            vin="1ftfw1e50pfa12345",
            test_type="brake",
            start_date=MONDAY,
            days_to_complete=3,
            backup=True,
            max_backup_days=7,
        )
        assert result.message == "Allocated with backup shift of 2 day(s)."
        assert result.allocation.vehicle_id == vehicle.id
        assert result.allocation.start_date == day(2)
        assert result.allocation.end_date == day(4)

    async def test_without_backup_a_busy_window_is_refused_with_the_earliest_date(
        self, session: AsyncSession, engineer: User
    ):
        dyno = await make_dyno(session, "Brake 1")
        await make_allocation(session, await make_vehicle(session), dyno, MONDAY, day(1))
        vehicle = await make_vehicle(session)
        with pytest.raises(errors.NoCapacity) as refused:
            await booking.auto_allocate(
                session,
                actor_of(engineer),
                vehicle_id=vehicle.id,
                test_type="brake",
                start_date=MONDAY,
                days_to_complete=3,
            )
        assert refused.value.status == 409
        assert refused.value.details["earliest_start"] == day(2).isoformat()
        assert refused.value.details["earliest_dyno"] == "Brake 1"

    async def test_backup_too_short_is_refused(self, session: AsyncSession, engineer: User):
        dyno = await make_dyno(session, "Brake 1")
        await make_allocation(session, await make_vehicle(session), dyno, MONDAY, day(9))
        vehicle = await make_vehicle(session)
        with pytest.raises(errors.NoCapacity) as refused:
            await booking.auto_allocate(
                session,
                actor_of(engineer),
                vehicle_id=vehicle.id,
                test_type="brake",
                start_date=MONDAY,
                days_to_complete=2,
                backup=True,
                max_backup_days=3,
            )
        assert refused.value.details["backup_days_tried"] == 3
        assert refused.value.details["earliest_start"] == day(10).isoformat()

    async def test_incompatible_combination_says_so_and_lists_known_tests(
        self, session: AsyncSession, workbook_dynos: dict[str, Dyno], engineer: User
    ):
        vehicle = await make_vehicle(session, drive_type="4WD")
        with pytest.raises(errors.NotCompatible) as refused:
            await booking.auto_allocate(
                session,
                actor_of(engineer),
                vehicle_id=vehicle.id,
                test_type="150k mileage",
                start_date=MONDAY,
                days_to_complete=3,
            )
        assert "No dyno is compatible" in refused.value.message
        assert "150k mileage" in refused.value.details["known_test_types"]

    async def test_disabled_out_of_window_and_maintenance_dynos_are_skipped(
        self, session: AsyncSession, engineer: User
    ):
        await make_dyno(session, "Off", enabled=False)
        await make_dyno(session, "Late", available_from=day(30))
        serviced = await make_dyno(session, "Serviced")
        await make_maintenance(session, serviced, day(-1), day(1))
        vehicle = await make_vehicle(session)
        with pytest.raises(errors.NoCapacity) as refused:
            await booking.auto_allocate(
                session,
                actor_of(engineer),
                vehicle_id=vehicle.id,
                test_type="brake",
                start_date=MONDAY,
                days_to_complete=2,
            )
        reasons = {b["dyno"]: b["reason"] for b in refused.value.details["blocked"]}
        assert reasons == {"Off": "disabled", "Late": "outside_window", "Serviced": "maintenance"}
        assert refused.value.details["earliest_start"] == day(2).isoformat()
        assert refused.value.details["earliest_dyno"] == "Serviced"

    async def test_a_vehicle_cannot_be_on_two_dynos_at_once(
        self, session: AsyncSession, engineer: User
    ):
        first, _ = await make_dyno(session, "A"), await make_dyno(session, "B")
        vehicle = await make_vehicle(session)
        await make_allocation(session, vehicle, first, MONDAY, day(4))
        with pytest.raises(errors.VehicleBusy) as refused:
            await booking.auto_allocate(
                session,
                actor_of(engineer),
                vehicle_id=vehicle.id,
                test_type="brake",
                start_date=day(2),
                days_to_complete=2,
            )
        assert refused.value.details["vehicle_id"] == vehicle.id

    @pytest.mark.parametrize(
        ("start", "days", "field"),
        [
            (TODAY - dt.timedelta(days=1), 2, "start_date"),
            (MONDAY, 0, "days_to_complete"),
            (MONDAY, 121, "days_to_complete"),
        ],
    )
    async def test_invalid_windows_are_refused(
        self, session: AsyncSession, engineer: User, start: dt.date, days: int, field: str
    ):
        await make_dyno(session)
        vehicle = await make_vehicle(session)
        with pytest.raises(errors.InvalidInput) as refused:
            await booking.auto_allocate(
                session,
                actor_of(engineer),
                vehicle_id=vehicle.id,
                test_type="brake",
                start_date=start,
                days_to_complete=days,
            )
        assert refused.value.details["field"] == field
        assert (await session.scalars(select(Allocation))).all() == []

    async def test_unknown_vehicle_is_not_found(self, session: AsyncSession, engineer: User):
        with pytest.raises(errors.VehicleNotFound):
            await booking.auto_allocate(
                session,
                actor_of(engineer),
                vehicle_id=999_999,
                test_type="brake",
                start_date=MONDAY,
                days_to_complete=1,
            )

    async def test_every_booking_is_audited_with_actor_and_channel(
        self, session: AsyncSession, engineer: User
    ):
        await make_dyno(session)
        vehicle = await make_vehicle(session)
        result = await booking.auto_allocate(
            session,
            actor_of(engineer),
            vehicle_id=vehicle.id,
            test_type="brake",
            start_date=MONDAY,
            days_to_complete=1,
        )
        events = (
            await session.scalars(
                select(AllocationEvent).where(AllocationEvent.allocation_id == result.allocation.id)
            )
        ).all()
        assert [(e.action, e.actor_id, e.channel) for e in events] == [
            ("insert", engineer.id, "api")
        ]
        assert events[0].after is not None and events[0].after["status"] == "scheduled"


class TestBookOnDyno:
    async def test_books_the_named_dyno_by_loose_name(self, session: AsyncSession, engineer: User):
        await make_dyno(session, "TRP #1")
        vehicle = await make_vehicle(session)
        allocation = await booking.book_on_dyno(
            session,
            actor_of(engineer),
            dyno="trp#1",
            vehicle_id=vehicle.id,
            test_type="Brake",
            start_date=MONDAY,
            end_date=day(1),
        )
        assert allocation.dyno.name == "TRP #1"
        assert allocation.days == 2

    async def test_refuses_incompatible_busy_maintenance_and_disabled(
        self, session: AsyncSession, engineer: User
    ):
        actor = actor_of(engineer)
        vehicle = await make_vehicle(session, drive_type="AWD")
        awd_only = await make_dyno(session, "Emis", rules=[("emissions", "2WD", "any")])
        busy = await make_dyno(session, "Busy")
        await make_allocation(session, await make_vehicle(session), busy, MONDAY, MONDAY)
        serviced = await make_dyno(session, "Serviced")
        await make_maintenance(session, serviced, MONDAY, day(3))
        off = await make_dyno(session, "Off", enabled=False)
        cases = [
            (awd_only, "emissions", errors.NotCompatible),
            (busy, "brake", errors.DynoBusy),
            (serviced, "brake", errors.MaintenanceConflict),
            (off, "brake", errors.DynoUnavailable),
        ]
        for dyno, test, error in cases:
            with pytest.raises(error):
                await booking.book_on_dyno(
                    session,
                    actor,
                    dyno=dyno.id,
                    vehicle_id=vehicle.id,
                    test_type=test,
                    start_date=MONDAY,
                    days_to_complete=1,
                )

    async def test_end_and_days_must_agree(self, session: AsyncSession, engineer: User):
        dyno = await make_dyno(session)
        vehicle = await make_vehicle(session)
        with pytest.raises(errors.InvalidInput):
            await booking.book_on_dyno(
                session,
                actor_of(engineer),
                dyno=dyno.id,
                vehicle_id=vehicle.id,
                test_type="brake",
                start_date=MONDAY,
                end_date=day(5),
                days_to_complete=2,
            )

    async def test_end_before_start_is_invalid(self, session: AsyncSession, engineer: User):
        dyno = await make_dyno(session)
        vehicle = await make_vehicle(session)
        with pytest.raises(errors.InvalidInput) as refused:
            await booking.book_on_dyno(
                session,
                actor_of(engineer),
                dyno=dyno.id,
                vehicle_id=vehicle.id,
                test_type="brake",
                start_date=MONDAY,
                end_date=day(-1),
            )
        assert refused.value.details["field"] == "end_date"

    async def test_unknown_dyno_is_not_found(self, session: AsyncSession, engineer: User):
        vehicle = await make_vehicle(session)
        with pytest.raises(errors.DynoNotFound):
            await booking.book_on_dyno(
                session,
                actor_of(engineer),
                dyno="Nowhere 9",
                vehicle_id=vehicle.id,
                test_type="brake",
                start_date=MONDAY,
                days_to_complete=1,
            )
