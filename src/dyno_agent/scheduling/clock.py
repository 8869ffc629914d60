"""Today for the domain: DYNO_TODAY when set (reproducible runs, demos), else the real date."""

from __future__ import annotations

import datetime as dt

from dyno_agent.config import get_settings


def today() -> dt.date:
    return get_settings().today or dt.date.today()
