"""`dyno users list | disable | enable | role`: the admin screen's actions from the command line."""

from __future__ import annotations

import json

from tests.cli.conftest import Dyno


def created(dyno: Dyno, email: str, role: str = "user") -> None:
    result = dyno("users", "create", email, "--password", "long-enough-1", "--role", role)
    assert result.exit_code == 0, result.output


def test_users_are_listed_disabled_enabled_and_given_roles(dyno: Dyno):
    created(dyno, "boss@lab.test", "admin")
    created(dyno, "eng@lab.test")

    listed = dyno("users", "list")
    assert listed.exit_code == 0, listed.output
    assert "eng@lab.test" in listed.stdout and "2 user(s)." in listed.stdout

    assert dyno("users", "disable", "ENG@lab.test").exit_code == 0
    assert dyno.scalar("SELECT is_active FROM users WHERE email = 'eng@lab.test'") is False
    assert "disabled" in dyno("users", "list", "-q", "eng").stdout

    enabled = dyno("users", "enable", "eng@lab.test", "--json")
    assert enabled.exit_code == 0 and json.loads(enabled.stdout)["is_active"] is True

    promoted = dyno("users", "role", "eng@lab.test", "power_user")
    assert promoted.exit_code == 0, promoted.output
    assert "power_user" in promoted.stdout
    assert dyno.scalar("SELECT role FROM users WHERE email = 'eng@lab.test'") == "power_user"


def test_the_last_admin_cannot_be_demoted_and_only_admins_may_change_users(dyno: Dyno):
    created(dyno, "boss@lab.test", "admin")
    created(dyno, "eng@lab.test")

    last = dyno("users", "role", "boss@lab.test", "user")
    assert last.exit_code == 1 and "last active administrator" in last.stderr

    denied = dyno("--as", "eng@lab.test", "users", "disable", "boss@lab.test")
    assert denied.exit_code == 1 and "error:" in denied.stderr
    assert dyno("--as", "eng@lab.test", "users", "list").exit_code == 1
    assert dyno("users", "disable", "nobody@lab.test").exit_code == 1
