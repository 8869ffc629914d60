"""Every write to users, vehicles, dynos, rules and maintenance is audited with its actor, channel
and before/after (never a password hash); admins read the log at GET /api/v1/audit."""

from __future__ import annotations

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.auth.models import Role
from tests.factories import PASSWORD, auth_header, make_user, make_vehicle

API = "/api/v1"


async def audit(client: httpx.AsyncClient, admin: dict[str, str], **params: object) -> dict:
    response = await client.get(f"{API}/audit", params=params, headers=admin)
    assert response.status_code == 200, response.text
    return response.json()


async def test_a_vehicle_edit_is_audited_with_its_actor_channel_and_before_after(
    client: httpx.AsyncClient, session: AsyncSession
):
    admin_user = await make_user(session, Role.admin)
    admin, admin_id = auth_header(admin_user), admin_user.id
    engineer = await make_user(session)
    vehicle = await make_vehicle(session, program="P708")
    headers, engineer_id, vehicle_id = auth_header(engineer), engineer.id, vehicle.id

    response = await client.patch(
        f"{API}/vehicles/{vehicle_id}", json={"program": "P709"}, headers=headers
    )
    assert response.status_code == 200, response.text

    page = await audit(client, admin, table="vehicles", row_id=vehicle_id)
    assert page["total"] == 2  # the factory's insert (direct SQL) and the edit
    edit, insert = page["items"]
    assert (edit["action"], edit["actor_id"], edit["channel"]) == ("update", engineer_id, "api")
    assert (edit["before"]["program"], edit["after"]["program"]) == ("P708", "P709")
    assert (insert["action"], insert["actor_id"], insert["channel"]) == ("insert", None, "sql")
    mine = await audit(client, admin, actor_id=engineer_id)
    assert [e["id"] for e in mine["items"]] == [edit["id"]]
    assert admin_id != engineer_id


async def test_dyno_rule_and_maintenance_writes_are_audited(
    client: httpx.AsyncClient, session: AsyncSession
):
    admin = auth_header(await make_user(session, Role.admin))
    manager_user = await make_user(session, Role.power_user)
    manager, manager_id = auth_header(manager_user), manager_user.id

    created = await client.post(
        f"{API}/dynos",
        json={
            "name": "Audit 1",
            "facility": "MPG",
            "rules": [{"test_type": "brake", "drive_type": "any", "weight_class": "any"}],
        },
        headers=manager,
    )
    dyno_id = created.json()["id"]
    rules = [{"test_type": "evap", "drive_type": "AWD", "weight_class": "<10K"}]
    assert (
        await client.put(f"{API}/dynos/{dyno_id}/rules", json=rules, headers=manager)
    ).status_code == 200
    window = await client.post(
        f"{API}/dynos/{dyno_id}/maintenance",
        json={"start_date": "2026-04-01", "end_date": "2026-04-02"},
        headers=manager,
    )
    window_id = window.json()["id"]
    assert (
        await client.delete(f"{API}/maintenance/{window_id}", headers=manager)
    ).status_code == 204

    entries = (await audit(client, admin, actor_id=manager_id, limit=100))["items"]
    seen = {(e["table_name"], e["action"]) for e in entries}
    assert {
        ("dynos", "insert"),
        ("dynos", "update"),
        ("dyno_rules", "insert"),
        ("dyno_rules", "delete"),
        ("maintenance_windows", "insert"),
        ("maintenance_windows", "delete"),
    } <= seen
    assert {e["channel"] for e in entries} == {"api"}
    deleted = next(
        e for e in entries if e["table_name"] == "dyno_rules" and e["action"] == "delete"
    )
    assert deleted["before"]["test_type"] == "brake" and deleted["after"] is None


async def test_user_and_role_changes_are_audited_without_the_password_hash(
    client: httpx.AsyncClient, session: AsyncSession
):
    admin_user = await make_user(session, Role.admin)
    admin, admin_id = auth_header(admin_user), admin_user.id
    registered = await client.post(
        f"{API}/auth/register", json={"email": "new@lab.test", "password": PASSWORD}
    )
    user_id = registered.json()["id"]
    changed = await client.patch(
        f"{API}/users/{user_id}",
        json={"role": "power_user", "password": "another-password-1"},
        headers=admin,
    )
    assert changed.status_code == 200, changed.text

    update, insert = (await audit(client, admin, table="users", row_id=user_id))["items"]
    assert (insert["action"], insert["actor_id"], insert["channel"]) == ("insert", None, "api")
    assert (update["action"], update["actor_id"]) == ("update", admin_id)
    assert (update["before"]["role"], update["after"]["role"]) == ("user", "power_user")
    assert update["after"]["token_version"] == update["before"]["token_version"] + 1
    for entry in (insert, update):
        for row in (entry["before"], entry["after"]):
            assert row is None or "password_hash" not in row
    stored = await session.scalar(
        text(
            "SELECT count(*) FROM audit_log"
            " WHERE before::text LIKE '%$2b$%' OR after::text LIKE '%$2b$%'"
        )
    )
    assert stored == 0


async def test_only_admins_read_the_audit_and_filters_are_checked(
    client: httpx.AsyncClient, session: AsyncSession
):
    manager = auth_header(await make_user(session, Role.power_user))
    admin = auth_header(await make_user(session, Role.admin))
    refused = await client.get(f"{API}/audit", headers=manager)
    assert refused.status_code == 403 and refused.json()["error"] == "permission_denied"
    assert (await client.get(f"{API}/audit")).status_code == 401
    bad = await client.get(f"{API}/audit", params={"table": "allocations"}, headers=admin)
    assert bad.status_code == 422
    page = await audit(client, admin, table="users", limit=1)
    assert page["limit"] == 1 and len(page["items"]) == 1 and page["total"] >= 2
