"""Calendar feeds, read back with icalendar: what they hold, how they change, who can open them."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from icalendar import Calendar
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role, User
from dyno_agent.feeds.ical import BookingItem, booking_event
from dyno_agent.scheduling.models import Allocation
from tests.api.conftest import error_body
from tests.conftest import TODAY
from tests.factories import (
    auth_header,
    make_allocation,
    make_dyno,
    make_maintenance,
    make_user,
    make_vehicle,
)

DAY = dt.timedelta(days=1)


async def _token(client: httpx.AsyncClient, user: User, **body: str) -> dict:
    response = await client.post("/api/v1/feeds/tokens", json=body, headers=auth_header(user))
    assert response.status_code == 201, response.text
    return response.json()


def _path(url: str) -> str:
    return url.removeprefix("http://test")


async def _events(client: httpx.AsyncClient, url: str) -> dict[str, object]:
    response = await client.get(_path(url))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(event.uid): event for event in calendar.events}


@pytest.fixture
async def lab(session: AsyncSession) -> dict:
    owner = await make_user(session, Role.user)
    other = await make_user(session, Role.user)
    dyno = await make_dyno(session, "Feed Dyno", facility="Feedville")
    vehicle = await make_vehicle(session, tag="FEED-1")
    await session.commit()
    return {"owner": owner, "other": other, "dyno": dyno, "vehicle": vehicle}


async def test_a_move_keeps_the_uid_and_raises_the_sequence_and_a_cancel_removes_the_event(
    client: httpx.AsyncClient, lab: dict
) -> None:
    owner, dyno, vehicle = lab["owner"], lab["dyno"], lab["vehicle"]
    booked = await client.post(
        "/api/v1/allocations",
        json={
            "vehicle_id": vehicle.id,
            "dyno": dyno.id,
            "test_type": "brake",
            "start_date": str(TODAY + 3 * DAY),
            "end_date": str(TODAY + 4 * DAY),
        },
        headers=auth_header(owner),
    )
    assert booked.status_code == 201, booked.text
    allocation_id = booked.json()["id"]
    links = (await _token(client, owner, dyno=str(dyno.id)))["links"]
    uid = f"allocation-{allocation_id}@test"

    before = (await _events(client, links["url"]))[uid]
    assert before.start == TODAY + 3 * DAY
    assert before.end == TODAY + 5 * DAY  # exclusive
    assert "brake" in str(before["SUMMARY"]) and "FEED-1" in str(before["SUMMARY"])
    assert "Feed Dyno" in str(before["SUMMARY"])
    assert "Status: scheduled" in str(before["DESCRIPTION"])

    moved = await client.post(
        f"/api/v1/allocations/{allocation_id}/reschedule",
        json={"new_start_date": str(TODAY + 10 * DAY)},
        headers=auth_header(owner),
    )
    assert moved.status_code == 200, moved.text
    after = (await _events(client, links["url"]))[uid]
    assert after.start == TODAY + 10 * DAY
    assert after.sequence > before.sequence

    for url in (links["url"], links["mine"]):
        assert uid in await _events(client, url)
    cancelled = await client.post(
        f"/api/v1/allocations/{allocation_id}/cancel", headers=auth_header(owner)
    )
    assert cancelled.status_code == 200, cancelled.text
    for url in (links["url"], links["mine"]):
        assert uid not in await _events(client, url)


async def test_dyno_and_facility_feeds_show_maintenance_and_tentative_statuses_do_not_crash(
    client: httpx.AsyncClient, session: AsyncSession, lab: dict
) -> None:
    dyno, vehicle = lab["dyno"], lab["vehicle"]
    window = await make_maintenance(session, dyno, TODAY + 20 * DAY, TODAY + 21 * DAY, "rollers")
    old = await make_allocation(session, vehicle, dyno, TODAY - 400 * DAY, TODAY - 399 * DAY)
    await session.commit()
    # A status another feature adds (a held offer): shown tentatively, not refused.
    stamp = dt.datetime(2026, 3, 1, tzinfo=dt.UTC)
    held = Allocation(
        id=0, vehicle=vehicle, dyno=dyno, test_type="brake", status="held",
        start_date=TODAY, end_date=TODAY, created_at=stamp, updated_at=stamp,
    )  # fmt: skip
    event = booking_event(BookingItem(held, 0, None, False), "x")
    assert str(event["STATUS"]) == "TENTATIVE" and str(event["SUMMARY"]).startswith("[held]")

    links = (await _token(client, lab["owner"], facility="feedVILLE"))["links"]
    assert links["url"].endswith("/facility/Feedville.ics")
    events = await _events(client, links["url"])
    maintenance = events[f"maintenance-{window.id}@test"]
    assert "rollers" in str(maintenance["SUMMARY"])
    assert maintenance.end == TODAY + 22 * DAY
    assert f"allocation-{old.id}@test" not in events  # outside the window
    by_name = await _events(client, links["dyno"].replace("{dyno}", "feed%20dyno"))
    assert set(by_name) == set(events)
    vehicle_feed = await _events(client, links["vehicle"].replace("{vehicle}", "feed-1"))
    assert f"maintenance-{window.id}@test" not in vehicle_feed


async def test_an_unchanged_feed_answers_304_to_its_etag(
    client: httpx.AsyncClient, session: AsyncSession, lab: dict
) -> None:
    await make_allocation(session, lab["vehicle"], lab["dyno"], TODAY, TODAY + DAY)
    await session.commit()
    url = _path((await _token(client, lab["owner"], dyno="Feed Dyno"))["links"]["url"])
    first = await client.get(url)
    assert first.headers["etag"] and first.headers["last-modified"]
    assert "no-cache" in first.headers["cache-control"]
    again = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and not again.content
    await make_allocation(session, lab["vehicle"], lab["dyno"], TODAY + 5 * DAY, TODAY + 6 * DAY)
    await session.commit()
    changed = await client.get(url, headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200 and changed.headers["etag"] != first.headers["etag"]


async def test_notes_and_own_bookings_of_another_user_stay_out_of_a_users_feeds(
    client: httpx.AsyncClient, session: AsyncSession, lab: dict
) -> None:
    owner, other, dyno = lab["owner"], lab["other"], lab["dyno"]
    mine = await make_allocation(session, lab["vehicle"], dyno, TODAY, TODAY, created_by=owner)
    mine.notes = "owner-secret note"
    theirs_vehicle = await make_vehicle(session, tag="FEED-2")
    theirs = await make_allocation(
        session, theirs_vehicle, dyno, TODAY + DAY, TODAY + DAY, created_by=other
    )
    theirs.notes = "other-secret note"
    await session.commit()

    links = (await _token(client, owner))["links"]
    own = await _events(client, links["mine"])
    assert set(own) == {f"allocation-{mine.id}@test"}
    on_dyno = await _events(client, links["dyno"].replace("{dyno}", str(dyno.id)))
    assert {f"allocation-{mine.id}@test", f"allocation-{theirs.id}@test"} <= set(on_dyno)
    assert "owner-secret" in str(on_dyno[f"allocation-{mine.id}@test"]["DESCRIPTION"])
    body = (await client.get(_path(links["dyno"].replace("{dyno}", str(dyno.id))))).text
    assert "other-secret" not in body

    manager = await make_user(session, Role.power_user)
    await session.commit()
    manager_links = (await _token(client, manager))["links"]
    manager_body = await client.get(_path(manager_links["dyno"].replace("{dyno}", str(dyno.id))))
    assert "other-secret" in manager_body.text


async def test_a_revoked_or_unknown_token_is_404_at_once_and_other_tokens_keep_working(
    client: httpx.AsyncClient, lab: dict
) -> None:
    owner = lab["owner"]
    other_headers = auth_header(lab["other"])  # before a failed request expires the row
    first = await _token(client, owner, label="Phone")
    second = await _token(client, owner, label="Laptop")
    owner_headers = auth_header(owner)
    listed = (await client.get("/api/v1/feeds/tokens", headers=owner_headers)).json()
    assert [t["label"] for t in listed] == ["Phone", "Laptop"]
    assert all("token" not in t for t in listed)
    assert first["token"].startswith(listed[0]["prefix"])

    assert (await client.get(_path(first["links"]["mine"]))).status_code == 200
    revoked = await client.delete(f"/api/v1/feeds/tokens/{first['id']}", headers=auth_header(owner))
    assert revoked.status_code == 204
    gone = await client.get(_path(first["links"]["mine"]))
    body = error_body(gone, 404, "feed_not_found")
    assert first["token"] not in body["message"]
    assert (await client.get(_path(second["links"]["mine"]))).status_code == 200
    unknown = await client.get("/api/v1/feeds/ical/not-a-token/mine.ics")
    error_body(unknown, 404, "feed_not_found")

    # Someone else's token id is not theirs to revoke, and it is not revoked twice.
    error_body(
        await client.delete(f"/api/v1/feeds/tokens/{second['id']}", headers=other_headers),
        404,
        "feed_token_not_found",
    )
    error_body(
        await client.delete(f"/api/v1/feeds/tokens/{first['id']}", headers=owner_headers),
        404,
        "feed_token_not_found",
    )


async def test_a_disabled_users_token_stops_working(
    client: httpx.AsyncClient, session: AsyncSession, lab: dict
) -> None:
    links = (await _token(client, lab["owner"]))["links"]
    lab["owner"].is_active = False
    await session.commit()
    error_body(await client.get(_path(links["mine"])), 404, "feed_not_found")


async def test_bad_feed_references_and_bodies_are_refused_clearly(
    client: httpx.AsyncClient, lab: dict
) -> None:
    owner = lab["owner"]
    headers = auth_header(owner)
    links = (await _token(client, owner))["links"]
    body = error_body(
        await client.get(_path(links["dyno"].replace("{dyno}", "99999"))), 404, "dyno_not_found"
    )
    assert "99999" in body["message"]
    body = error_body(
        await client.get(_path(links["facility"].replace("{facility}", "Nowhere"))),
        404,
        "facility_not_found",
    )
    assert "Feedville" in body["message"]
    error_body(
        await client.get(_path(links["vehicle"].replace("{vehicle}", "NO-SUCH-TAG"))),
        404,
        "vehicle_not_found",
    )
    error_body(await client.get(_path(links["mine"]).replace(".ics", "")), 404, "not_found")

    create = "/api/v1/feeds/tokens"
    error_body(
        await client.post(create, json={"dyno": "1", "vehicle": "2"}, headers=headers),
        422,
        "validation_error",
    )
    error_body(
        await client.post(create, json={"label": "x" * 81}, headers=headers),
        422,
        "validation_error",
    )
    error_body(
        await client.post(create, json={"dyno": "No Such Dyno"}, headers=headers),
        404,
        "dyno_not_found",
    )
    listed = (await client.get(create, headers=headers)).json()
    assert len(listed) == 1  # the refused creations left no token behind
    error_body(await client.post(create, json={}), 401, "not_authenticated")
    error_body(await client.delete(f"{create}/abc", headers=headers), 422, "validation_error")
