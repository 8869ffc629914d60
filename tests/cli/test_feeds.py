"""`dyno feeds create | list | revoke`: feed tokens from the command line, printing the URLs."""

from __future__ import annotations

import hashlib
import re

from tests.cli.conftest import Dyno


def test_feed_tokens_are_created_with_their_urls_listed_and_revoked(dyno: Dyno):
    made = dyno("users", "create", "eng@lab.test", "--password", "long-enough-1")
    assert made.exit_code == 0, made.output

    created = dyno("--as", "eng@lab.test", "feeds", "create", "--label", "Phone")
    assert created.exit_code == 0, created.output
    mine = re.search(r"http://\S+/api/v1/feeds/ical/(\S+)/mine\.ics", created.stdout)
    assert mine, created.stdout
    token = mine.group(1)
    assert "/dyno/{dyno}.ics" in created.stdout and "dyno feeds revoke 1" in created.stdout
    # Only the hash is stored.
    stored = dyno.scalar("SELECT token_hash FROM feed_tokens")
    assert stored == hashlib.sha256(token.encode()).hexdigest()

    listed = dyno("feeds", "list", "--user", "eng@lab.test")
    assert listed.exit_code == 0, listed.output
    assert "Phone" in listed.stdout and token[:6] in listed.stdout and token not in listed.stdout

    revoked = dyno("--as", "eng@lab.test", "feeds", "revoke", "1")
    assert revoked.exit_code == 0, revoked.output
    assert dyno.scalar("SELECT revoked_at IS NOT NULL FROM feed_tokens") is True
    assert "0 feed token(s)." in dyno("--as", "eng@lab.test", "feeds", "list").stdout


def test_feed_commands_name_what_is_wrong(dyno: Dyno):
    assert dyno("users", "create", "eng@lab.test", "--password", "long-enough-1").exit_code == 0
    assert dyno("users", "create", "two@lab.test", "--password", "long-enough-1").exit_code == 0

    nobody = dyno("feeds", "create")
    assert nobody.exit_code != 0 and "--user" in nobody.output

    unknown = dyno("--as", "eng@lab.test", "feeds", "create", "--dyno", "Nope")
    assert unknown.exit_code != 0 and "Nope" in unknown.output

    both = dyno("--as", "eng@lab.test", "feeds", "create", "--dyno", "1", "--vehicle", "2")
    assert both.exit_code != 0 and "at most one" in both.output

    others = dyno("--as", "eng@lab.test", "feeds", "list", "--user", "two@lab.test")
    assert others.exit_code != 0 and "admin" in others.output

    missing = dyno("--as", "eng@lab.test", "feeds", "revoke", "42")
    assert missing.exit_code != 0 and "42" in missing.output
    assert dyno.scalar("SELECT count(*) FROM feed_tokens") == 0
