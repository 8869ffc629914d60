"""HTTP behaviour of /api/v1/dynos and their rules: anyone signed in reads, power_user writes."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from dyno_agent.scheduling.models import Dyno, DynoRule
from tests.api.conftest import error_body
from tests.factories import auth_header, make_allocation, make_dyno, make_user, make_vehicle

URL = "/api/v1/dynos"

# Setup is committed before requesting, so a failed request's rollback keeps it; the rollback
# expires every loaded object, so tests keep plain ids rather than reading ORM objects afterwards.


async def count(session: AsyncSession, model: type = Dyno) -> int:
    return await session.scalar(select(func.count()).select_from(model)) or 0


async def stored_rules(session: AsyncSession, dyno_id: int) -> set[tuple[str, str, str]]:
    rows = await session.execute(
        select(DynoRule.test_type, DynoRule.drive_type, DynoRule.weight_class).where(
            DynoRule.dyno_id == dyno_id
        )
    )
    return {(t, d, w) for t, d, w in rows}


@pytest.fixture
async def dyno_id(session: AsyncSession) -> int:
    dyno = await make_dyno(session, "MPG 3", rules=[("brake", "any", "any")])
    await session.commit()
    return dyno.id


NEW_DYNO = {
    "name": "TRP #1",
    "facility": "TRP",
    "available_from": "2026-01-01",
    "rules": [
        {"test_type": " Brake ", "drive_type": "4x4", "weight_class": ">10k"},
        {"test_type": "brake", "drive_type": "4WD", "weight_class": ">10K"},
        {"test_type": "Evap", "drive_type": "any", "weight_class": "<10K"},
    ],
}


# Create -------------------------------------------------------------------------------------------
@pytest.mark.parametrize("role", [Role.power_user, Role.admin])
async def test_power_users_and_admins_add_dynos(
    client: httpx.AsyncClient, session: AsyncSession, role: Role
):
    headers = auth_header(await make_user(session, role))
    response = await client.post(URL, headers=headers, json=NEW_DYNO)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["name"] == "TRP #1" and body["enabled"] is True
    assert body["available_from"] == "2026-01-01" and body["available_to"] is None
    assert body["rules"] == [
        {"test_type": "brake", "drive_type": "4WD", "weight_class": ">10K"},
        {"test_type": "evap", "drive_type": "any", "weight_class": "<10K"},
    ]
    assert body["supported_test_types"] == ["brake", "evap"]
    assert body["supported_drives"] == ["2WD", "AWD", "4WD"]
    assert body["supported_weight_classes"] == ["<10K", ">10K"]
    assert await stored_rules(session, body["id"]) == {
        ("brake", "4WD", ">10K"),
        ("evap", "any", "<10K"),
    }


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**NEW_DYNO, "available_to": "2025-12-31"}, ""),
        ({**NEW_DYNO, "name": ""}, "name"),
        ({**NEW_DYNO, "facility": None}, "facility"),
        (
            {
                **NEW_DYNO,
                "rules": [{"test_type": "brake", "drive_type": "6x6", "weight_class": "any"}],
            },
            "rules.0.drive_type",
        ),
        (
            {**NEW_DYNO, "rules": [{"test_type": "brake", "drive_type": "AWD"}]},
            "rules.0.weight_class",
        ),
        (
            {**NEW_DYNO, "rules": [{"test_type": "", "drive_type": "AWD", "weight_class": "any"}]},
            "rules.0.test_type",
        ),
        ({**NEW_DYNO, "colour": "blue"}, "colour"),
    ],
)
async def test_invalid_dynos_are_a_422(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, payload: dict, field: str
):
    body = error_body(
        await client.post(URL, headers=manager, json=payload), 422, "validation_error"
    )
    assert field in [e["field"] for e in body["details"]["errors"]]
    assert await count(session) == 0


async def test_a_name_taken_in_another_spelling_is_a_409(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, dyno_id: int
):
    response = await client.post(URL, headers=manager, json={**NEW_DYNO, "name": "mpg3"})
    assert error_body(response, 409, "already_exists")["details"]["dyno_id"] == dyno_id
    assert await count(session) == 1


# Permissions --------------------------------------------------------------------------------------
def writes(dyno_id: int) -> list[tuple[str, str, object]]:
    return [
        ("POST", URL, NEW_DYNO),
        ("PATCH", f"{URL}/{dyno_id}", {"enabled": False}),
        ("DELETE", f"{URL}/{dyno_id}", None),
        (
            "PUT",
            f"{URL}/{dyno_id}/rules",
            [{"test_type": "evap", "drive_type": "AWD", "weight_class": "any"}],
        ),
    ]


async def test_an_engineer_cannot_write_dynos_or_rules(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict, dyno_id: int
):
    for method, url, payload in writes(dyno_id):
        response = await client.request(method, url, headers=engineer, json=payload)
        body = error_body(response, 403, "permission_denied")
        assert body["details"] == {"required_role": "power_user"}
    dyno = await session.get(Dyno, dyno_id)
    assert dyno is not None and dyno.enabled is True
    assert await count(session) == 1
    assert await stored_rules(session, dyno_id) == {("brake", "any", "any")}


async def test_without_a_token_everything_is_a_401(client: httpx.AsyncClient, dyno_id: int):
    reads = [
        ("GET", URL, None),
        ("GET", f"{URL}/{dyno_id}", None),
        ("GET", f"{URL}/{dyno_id}/rules", None),
    ]
    for method, url, payload in reads + writes(dyno_id):
        response = await client.request(method, url, json=payload)
        error_body(response, 401, "not_authenticated")


# Read ---------------------------------------------------------------------------------------------
async def test_an_engineer_lists_and_filters_dynos(
    client: httpx.AsyncClient, session: AsyncSession, engineer: dict
):
    ids = [
        (await make_dyno(session, "MPG 1", facility="MPG", rules=[("brake", "any", "any")])).id,
        (
            await make_dyno(
                session, "MPG 2", facility="MPG", enabled=False, rules=[("evap", "AWD", "any")]
            )
        ).id,
        (await make_dyno(session, "TRP 1", facility="TRP", rules=[("evap", "2WD", "<10K")])).id,
    ]
    await session.commit()

    async def listed(**params) -> list[int]:  # type: ignore[no-untyped-def]
        response = await client.get(URL, headers=engineer, params=params)
        assert response.status_code == 200, response.text
        return [d["id"] for d in response.json()]

    assert await listed() == ids
    assert await listed(include_disabled="false") == [ids[0], ids[2]]
    assert await listed(facility="trp") == [ids[2]]
    assert await listed(test_type="EVAP") == [ids[1], ids[2]]
    first = (await client.get(URL, headers=engineer)).json()[0]
    assert first["rules"] == [{"test_type": "brake", "drive_type": "any", "weight_class": "any"}]
    types = await client.get(f"{URL}/test-types", headers=engineer)
    assert types.json() == ["brake", "evap"]
    error_body(
        await client.get(URL, headers=engineer, params={"test_type": " "}), 422, "invalid_input"
    )
    error_body(
        await client.get(URL, headers=engineer, params={"include_disabled": "maybe"}),
        422,
        "validation_error",
    )


@pytest.mark.parametrize("ref", ["{id}", "MPG 3", "mpg3", " Mpg  3"])
async def test_get_one_by_id_or_loose_name(
    client: httpx.AsyncClient, engineer: dict, dyno_id: int, ref: str
):
    response = await client.get(f"{URL}/{ref.format(id=dyno_id)}", headers=engineer)
    assert response.status_code == 200, response.text
    assert response.json()["id"] == dyno_id and response.json()["name"] == "MPG 3"


async def test_an_unknown_dyno_is_a_404_with_suggestions(
    client: httpx.AsyncClient, engineer: dict, dyno_id: int
):
    body = error_body(await client.get(f"{URL}/MPG 33", headers=engineer), 404, "dyno_not_found")
    assert body["details"]["suggestions"] == ["MPG 3"]
    error_body(await client.get(f"{URL}/{dyno_id + 1000}", headers=engineer), 404, "dyno_not_found")
    error_body(
        await client.get(f"{URL}/{dyno_id + 1000}/rules", headers=engineer), 404, "dyno_not_found"
    )


# Update and rules ---------------------------------------------------------------------------------
async def test_a_manager_edits_a_dyno_and_its_rules(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, dyno_id: int
):
    response = await client.patch(
        f"{URL}/{dyno_id}",
        headers=manager,
        json={
            "enabled": False,
            "notes": "rollers",
            "rules": [{"test_type": "evap", "drive_type": "RWD/AWD", "weight_class": "<10K"}],
        },
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["enabled"], body["notes"], body["name"]) == (False, "rollers", "MPG 3")
    assert body["rules"] == [{"test_type": "evap", "drive_type": "AWD", "weight_class": "<10K"}]
    assert (body["supported_drives"], body["supported_test_types"]) == (["AWD"], ["evap"])
    assert await stored_rules(session, dyno_id) == {("evap", "AWD", "<10K")}


async def test_putting_rules_replaces_them_and_recomputes_the_summary(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, dyno_id: int
):
    rules = [
        {"test_type": "Brake", "drive_type": "fwd", "weight_class": "<10K"},
        {"test_type": "brake", "drive_type": "2WD", "weight_class": "<10k"},
        {"test_type": "150K Mileage", "drive_type": "4X4", "weight_class": "any"},
    ]
    response = await client.put(f"{URL}/{dyno_id}/rules", headers=manager, json=rules)
    assert response.status_code == 200, response.text
    assert response.json() == [
        {"test_type": "150k mileage", "drive_type": "4WD", "weight_class": "any"},
        {"test_type": "brake", "drive_type": "2WD", "weight_class": "<10K"},
    ]
    listed = await client.get(f"{URL}/{dyno_id}/rules", headers=manager)
    assert listed.json() == response.json()
    dyno = (await client.get(f"{URL}/{dyno_id}", headers=manager)).json()
    assert dyno["supported_test_types"] == ["150k mileage", "brake"]
    assert dyno["supported_drives"] == ["2WD", "4WD"]
    assert dyno["supported_weight_classes"] == ["<10K", ">10K"]
    row = (
        await session.execute(select(Dyno.supported_drives).where(Dyno.id == dyno_id))
    ).scalar_one()
    assert row == ["2WD", "4WD"]


async def test_rule_and_update_errors(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, dyno_id: int
):
    other_id = (await make_dyno(session, "MPG 4", available_from=dt.date(2026, 3, 1))).id
    await session.commit()
    bad_rules = [{"test_type": "brake", "drive_type": "AWD", "weight_class": "heavy"}]
    body = error_body(
        await client.put(f"{URL}/{dyno_id}/rules", headers=manager, json=bad_rules),
        422,
        "validation_error",
    )
    assert body["details"]["errors"][0]["field"] == "0.weight_class"
    error_body(
        await client.put(f"{URL}/{dyno_id}/rules", headers=manager, json={"rules": []}),
        422,
        "validation_error",
    )
    error_body(
        await client.put(f"{URL}/{dyno_id + 1000}/rules", headers=manager, json=[]),
        404,
        "dyno_not_found",
    )
    error_body(
        await client.patch(f"{URL}/{other_id}", headers=manager, json={"name": "MPG 3"}),
        409,
        "already_exists",
    )
    body = error_body(
        await client.patch(
            f"{URL}/{other_id}", headers=manager, json={"available_to": "2026-02-28"}
        ),
        422,
        "invalid_input",
    )
    assert body["details"]["field"] == "available_to"
    error_body(
        await client.patch(f"{URL}/{other_id}", headers=manager, json={"enabled": None}),
        422,
        "validation_error",
    )
    error_body(
        await client.patch(f"{URL}/{dyno_id + 1000}", headers=manager, json={}),
        404,
        "dyno_not_found",
    )
    assert await stored_rules(session, dyno_id) == {("brake", "any", "any")}
    names = set(await session.scalars(select(Dyno.name)))
    assert names == {"MPG 3", "MPG 4"}


# Delete -------------------------------------------------------------------------------------------
async def test_a_manager_deletes_an_unbooked_dyno(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict, dyno_id: int
):
    response = await client.delete(f"{URL}/{dyno_id}", headers=manager)
    assert response.status_code == 204 and response.content == b""
    assert await count(session) == 0 and await count(session, DynoRule) == 0
    error_body(await client.delete(f"{URL}/{dyno_id}", headers=manager), 404, "dyno_not_found")


async def test_a_booked_dyno_cannot_be_deleted(
    client: httpx.AsyncClient, session: AsyncSession, manager: dict
):
    dyno = await make_dyno(session)
    day = dt.date(2026, 3, 10)
    allocation = await make_allocation(session, await make_vehicle(session), dyno, day, day)
    url, allocation_id = f"{URL}/{dyno.id}", allocation.id
    await session.commit()
    body = error_body(await client.delete(url, headers=manager), 409, "in_use")
    assert body["details"]["allocation_ids"] == [allocation_id]
    assert await count(session) == 1
