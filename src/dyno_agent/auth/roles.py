"""The roles, without the ORM, so the command line can offer them cheaply."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    user = "user"
    power_user = "power_user"
    admin = "admin"
