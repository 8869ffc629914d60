"""Apply or revert the Alembic migrations shipped inside the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import URL

SCRIPT_LOCATION = "dyno_agent.db:migrations"


def alembic_config(url: URL | str) -> Config:
    config = Config()
    config.set_main_option("script_location", SCRIPT_LOCATION)
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["url"] = url
    return config


def upgrade(url: URL | str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: URL | str, revision: str = "-1") -> None:
    command.downgrade(alembic_config(url), revision)


def current(url: URL | str) -> None:
    command.current(alembic_config(url))
