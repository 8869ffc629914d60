"""Who a CLI write is recorded as: the OS user by default, or the `--as` account with its role."""

from __future__ import annotations

import getpass

from sqlalchemy import create_engine, pool, text

from tests.cli.conftest import Dyno

OS_LABEL = f"os:{getpass.getuser()}"


def booking_of(dyno: Dyno, owner_email: str) -> int:
    """A scheduled demo booking made by `owner_email`."""
    return int(
        dyno.scalar(
            "SELECT a.id FROM allocations a JOIN users u ON u.id = a.created_by "
            "WHERE u.email = :e AND a.status = 'scheduled' ORDER BY a.id LIMIT 1",
            e=owner_email,
        )
    )


def execute(dyno: Dyno, statement: str) -> None:
    engine = create_engine(dyno.url, poolclass=pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(text(statement))
    finally:
        engine.dispose()


def last_event(dyno: Dyno, allocation_id: int) -> tuple:
    return tuple(
        dyno.rows(
            "SELECT actor_id, channel, actor_label FROM allocation_events "
            "WHERE allocation_id = :i ORDER BY id DESC LIMIT 1",
            i=allocation_id,
        )[0]
    )


def test_without_as_a_cli_write_names_the_os_user(dyno_demo: Dyno):
    allocation_id = booking_of(dyno_demo, "engineer@demo.local")

    result = dyno_demo("cancel", str(allocation_id))

    assert result.exit_code == 0, result.output
    assert last_event(dyno_demo, allocation_id) == (None, "cli", OS_LABEL)


def test_as_an_account_the_cli_has_that_accounts_rights_and_name(dyno_demo: Dyno):
    theirs = booking_of(dyno_demo, "manager@demo.local")
    mine = booking_of(dyno_demo, "engineer@demo.local")
    engineer_id = dyno_demo.scalar("SELECT id FROM users WHERE email = 'engineer@demo.local'")

    refused = dyno_demo("--as", "engineer@demo.local", "cancel", str(theirs))
    assert refused.exit_code == 1
    assert "belongs to someone else" in refused.stderr
    assert dyno_demo.scalar("SELECT status FROM allocations WHERE id = :i", i=theirs) == (
        "scheduled"
    )

    allowed = dyno_demo("--as", "Engineer@demo.local", "cancel", str(mine))
    assert allowed.exit_code == 0, allowed.output
    assert last_event(dyno_demo, mine) == (engineer_id, "cli", OS_LABEL)


def test_as_an_unknown_or_disabled_account_is_refused(dyno_demo: Dyno):
    allocation_id = booking_of(dyno_demo, "engineer@demo.local")

    unknown = dyno_demo("--as", "nobody@demo.local", "cancel", str(allocation_id))
    assert unknown.exit_code == 1 and "No user with email" in unknown.stderr

    execute(dyno_demo, "UPDATE users SET is_active = false WHERE email = 'engineer@demo.local'")
    disabled = dyno_demo("--as", "engineer@demo.local", "cancel", str(allocation_id))
    assert disabled.exit_code == 1 and "deactivated" in disabled.stderr
    status = dyno_demo.scalar("SELECT status FROM allocations WHERE id = :i", i=allocation_id)
    assert status == "scheduled"


def test_users_create_is_audited_as_the_os_user_without_the_password_hash(dyno: Dyno):
    result = dyno("users", "create", "new@lab.test", "--password", "long-enough-1")
    assert result.exit_code == 0, result.output

    rows = dyno.rows(
        "SELECT actor_id, channel, actor_label, action, after FROM audit_log "
        "WHERE table_name = 'users'"
    )
    assert len(rows) == 1
    actor_id, channel, label, action, after = rows[0]
    assert (actor_id, channel, label, action) == (None, "cli", OS_LABEL, "insert")
    assert after["email"] == "new@lab.test" and "password_hash" not in after
