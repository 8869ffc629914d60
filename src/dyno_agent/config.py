"""Settings: the one place that reads the environment (env vars, then `.env`)."""

from __future__ import annotations

import datetime as dt
import secrets
from functools import lru_cache
from pathlib import Path

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

JWT_SECRET_FILE = "jwt_secret"


class Settings(BaseSettings):
    """Every setting of Dyno Agent; the README lists them with their defaults."""

    model_config = SettingsConfigDict(
        env_prefix="DYNO_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    # Database: any PostgreSQL >= 14 with btree_gist; unset means the embedded server.
    database_url: str | None = Field(default=None, validation_alias="DATABASE_URL")
    data_dir: Path = Field(default_factory=lambda: Path(platformdirs.user_data_dir("dyno-agent")))
    db_pool_size: int = Field(default=10, ge=1, le=200)

    # Auth
    jwt_secret: str | None = None
    jwt_expire_minutes: int = Field(default=60, ge=1, le=60 * 24 * 30)
    login_rate_limit: str = "10/minute"
    allow_registration: bool = True

    # Scheduling
    max_booking_days: int = Field(default=120, ge=1, le=3650)
    max_backup_days: int = Field(default=30, ge=0, le=365)
    today: dt.date | None = None

    # Server
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "info"

    @field_validator("database_url")
    @classmethod
    def _blank_url_is_unset(cls, value: str | None) -> str | None:
        return value or None

    def resolved_jwt_secret(self) -> str:
        """The configured secret, or one generated once and kept in the data directory."""
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / JWT_SECRET_FILE
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(48)
        path.touch(mode=0o600)
        path.write_text(secret)
        return secret


@lru_cache
def get_settings() -> Settings:
    return Settings()
