"""What the export tests share: a small lab with requests and bookings, and readers of the files.

A module, not a conftest, so that it merges beside the import tests' conftest; test modules import
the `lab` fixture from here."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

import openpyxl
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.actor import Actor, Channel
from dyno_agent.requests import service
from dyno_agent.requests.models import TestRequest
from dyno_agent.requests.schemas import TestRequestCreate
from dyno_agent.scheduling.models import Allocation, Dyno, Vehicle
from tests.conftest import TODAY
from tests.factories import make_allocation, make_dyno, make_vehicle

IMPORTER = Actor.system(Channel.cli)
MILEAGE = (("150k mileage", "any", "any"),)


def day(offset: int) -> dt.date:
    return TODAY + dt.timedelta(days=offset)


def read_xlsx(content: bytes) -> dict[str, list[dict]]:
    """Each sheet's rows as dicts by header (dates come back as datetimes)."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    sheets = {}
    for sheet in book.worksheets:
        header, *body = sheet.iter_rows(values_only=True)
        sheets[sheet.title] = [dict(zip(header, row, strict=True)) for row in body]
    return sheets


def read_csv(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


async def add_request(
    session: AsyncSession,
    vehicle: Vehicle,
    *,
    step: str = "0K-5K",
    days: int = 7,
    desired: dt.date = day(10),
    source_row: int | None = None,
    test_type: str = "150k mileage",
) -> TestRequest:
    data = TestRequestCreate(
        vehicle_id=vehicle.id,
        test_type=test_type,
        mileage_step=step,
        days=days,
        earliest_start=desired,
        source_row=source_row,
    )
    return await service.create_request(session, IMPORTER, data)


async def book(
    session: AsyncSession,
    request: TestRequest,
    dyno: Dyno,
    start: dt.date,
    *,
    status: str = "scheduled",
) -> Allocation:
    vehicle = await session.get(Vehicle, request.vehicle_id)
    assert vehicle is not None
    allocation = await make_allocation(
        session,
        vehicle,
        dyno,
        start,
        start + dt.timedelta(days=request.days - 1),
        test_type=request.test_type,
        status=status,
    )
    await service.mark_booked(session, IMPORTER, request.id, allocation)
    return allocation


@dataclass
class Lab:
    mpg2: Dyno
    vts1: Dyno
    track: Dyno
    tagged: Vehicle
    placeholder: Vehicle
    other: Vehicle


@pytest.fixture
async def lab(session: AsyncSession) -> Lab:
    mpg2 = await make_dyno(session, "MPG 2", facility="MPG", rules=MILEAGE)
    vts1 = await make_dyno(session, "VTS #1", facility="VTS", rules=MILEAGE)
    track = await make_dyno(session, "Track", facility="Track", rules=MILEAGE)
    tagged = await make_vehicle(session, tag="312W028", drive_type="AWD", weight_lbs=6000)
    tagged.model_year, tagged.build_id, tagged.cert_team = 2027, "FH7LCER7", "OBD Cert"
    tagged.build_type, tagged.powerpack = "TPV", "6.7L Diesel"
    placeholder = await make_vehicle(
        session, placeholder_key="TBD-2027 P702#3", weight_lbs=None, weight_class=">10K"
    )
    other = await make_vehicle(session, tag="312W029")
    await session.flush()
    return Lab(mpg2, vts1, track, tagged, placeholder, other)
