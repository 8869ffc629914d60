"""Settings that contradict each other are refused at startup, not discovered under load."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from dyno_agent.config import Settings


def test_an_adhoc_query_timeout_longer_than_the_statement_timeout_is_refused():
    with pytest.raises(ValidationError, match="DYNO_SQL_TIMEOUT_MS"):
        Settings(_env_file=None, sql_timeout_ms=20_000, db_statement_timeout_ms=15_000)
    fits = Settings(_env_file=None, sql_timeout_ms=15_000, db_statement_timeout_ms=15_000)
    assert fits.sql_timeout_ms == fits.db_statement_timeout_ms
