"""Settings: the one place that reads the environment (env vars, then `.env`)."""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import os
import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, field_validator, model_validator
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
    # Database: how long to wait before a request gives up with 503 (server down or hung).
    db_connect_timeout_s: int = Field(default=5, ge=2, le=300)
    db_pool_timeout_s: float = Field(default=5.0, gt=0, le=300)
    db_statement_timeout_ms: int = Field(default=15_000, ge=100, le=3_600_000)
    db_retry_after_s: int = Field(default=5, ge=1, le=3600)

    # Auth
    jwt_secret: str | None = None
    jwt_expire_minutes: int = Field(default=60, ge=1, le=60 * 24 * 30)
    login_rate_limit: str = "10/minute"
    allow_registration: bool = True

    # Limits shared by every process. Rate-limit counters: memory:// (per process) or
    # redis://host:port/db (shared). Client address: the socket's peer, unless that peer is one of
    # these proxies (comma-separated IPs/CIDRs), whose X-Forwarded-For is then believed.
    rate_limit_storage: str = "memory://"
    trusted_proxies: str = ""

    # Scheduling
    max_booking_days: int = Field(default=120, ge=1, le=3650)
    max_backup_days: int = Field(default=30, ge=0, le=365)
    max_series_occurrences: int = Field(default=52, ge=1, le=520)  # recurring bookings
    # Waitlist: how long a slot offered to a waiting request is held for its owner to accept;
    # how often the server releases expired holds and offers freed days (0: only on demand).
    waitlist_hold_minutes: int = Field(default=240, ge=1, le=60 * 24 * 14)
    waitlist_sweep_s: float = Field(default=60.0, ge=0, le=86_400)
    today: dt.date | None = None

    # Planner (`dyno plan`, POST /api/v1/plans): solver time limit per plan (seconds; requests may
    # ask for less, never more), CP-SAT workers, seed, and the longest horizon a plan may ask for.
    planner_time_limit_s: float = Field(default=30.0, gt=0, le=3600)
    # Plan parts the neighbourhood search re-solves side by side (same count, same plan).
    planner_workers: int = Field(default=2, ge=1, le=16)
    planner_seed: int = Field(default=0, ge=0, le=2**31 - 1)
    planner_max_running: int = Field(default=2, ge=1, le=64)  # solves at once per process
    planner_max_horizon_days: int = Field(default=730, ge=1, le=3650)

    # Agent: models. DYNO_LLM is `offline` or an init_chat_model spec ("openai:gpt-4.1-mini");
    # unset picks the first provider with a key (see `llm_spec`), else the offline model.
    llm: str | None = None
    llm_timeout_s: float = Field(default=60.0, gt=0, le=600)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    google_api_key: str | None = Field(default=None, validation_alias="GOOGLE_API_KEY")
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    anthropic_api_key: str | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    ollama_host: str | None = Field(default=None, validation_alias="OLLAMA_HOST")

    # Agent: behaviour
    agent_history_tokens: int = Field(default=6000, ge=500, le=200_000)
    agent_tool_retries: int = Field(default=3, ge=1, le=10)
    agent_vocabulary_ttl_s: float = Field(default=60.0, ge=0, le=3600)
    chat_rate_limit: str = "30/minute"

    # Agent: ad-hoc SQL
    sql_row_limit: int = Field(default=50, ge=1, le=500)
    sql_timeout_ms: int = Field(default=2000, ge=1, le=60_000)
    sql_work_mem: str = Field(default="4MB", pattern=r"^[1-9][0-9]*(kB|MB|GB)$")
    sql_temp_file_limit: str = Field(default="64MB", pattern=r"^[1-9][0-9]*(kB|MB|GB)$")
    sql_max_value_bytes: int = Field(default=65_536, ge=1024, le=100_000_000)
    sql_max_result_bytes: int = Field(default=262_144, ge=1024, le=1_000_000_000)
    sql_max_plan_bytes: int = Field(default=64 << 20, ge=1 << 20, le=1 << 40)

    # Forecast import (`dyno import forecast`, POST /imports/forecast): files are untrusted.
    import_max_bytes: int = Field(default=10 << 20, ge=1024, le=1 << 30)
    import_max_unzipped_bytes: int = Field(default=100 << 20, ge=1024, le=1 << 34)
    import_max_rows: int = Field(default=20_000, ge=1, le=1_000_000)
    import_max_sheets: int = Field(default=20, ge=1, le=1000)

    # Operations: /metrics (a bearer token to require, if any) and the business figures, read
    # from the database at most every business_cache_s seconds. Planning time saved is an
    # estimate: bookings x manual_minutes_per_booking.
    metrics_token: str | None = None
    business_cache_s: float = Field(default=60.0, ge=0, le=3600)
    manual_minutes_per_booking: float = Field(default=30.0, ge=0, le=1440)

    # Calendar feeds (/api/v1/feeds/ical/...): the days before and after today a feed covers,
    # the domain of event UIDs (allocation-<id>@<domain>; unset: the feed URL's host name) and the
    # base URL feed links are printed with (unset: the request's, or http://host:port in the CLI).
    feed_days_back: int = Field(default=90, ge=0, le=3650)
    feed_days_ahead: int = Field(default=730, ge=1, le=3650)
    feed_uid_domain: str | None = Field(default=None, pattern=r"^[A-Za-z0-9.-]{1,253}$")
    feed_base_url: str | None = Field(default=None, pattern=r"^https?://[^\s?#]+$")

    # Server
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: str = "info"
    # Logs: `console` (readable lines, for a terminal) or `json` (one object a line, for a log
    # shipper). Chat text and tool arguments are masked unless log_prompts is on (debugging only).
    log_format: Literal["console", "json"] = "console"
    log_prompts: bool = False
    # `dyno serve` worker processes (uvicorn); more than one wants DYNO_RATE_LIMIT_STORAGE=redis://.
    workers: int = Field(default=1, ge=1, le=64)
    # How long an idle HTTP connection stays open. Longer than a proxy's upstream keep-alive
    # (nginx: 60 s, deploy/nginx.conf), so the proxy never reuses a connection the app just closed.
    keep_alive_s: int = Field(default=75, ge=1, le=3600)

    # Notifications: SMTP (e-mail is off while smtp_host is unset; webhooks still go out), the
    # worker's back-off (exponential: initial x 2^(attempt-1), at most max), when it gives up
    # (attempts or age, then the message is a dead letter), its lease on claimed messages, and
    # whether `dyno serve` runs a worker in each server process.
    smtp_host: str | None = None
    smtp_port: int = Field(default=587, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_from: str = "dyno-agent@localhost"
    smtp_starttls: bool = True
    notify_max_attempts: int = Field(default=8, ge=1, le=100)
    notify_max_age_s: float = Field(default=86_400.0, gt=0, le=30 * 86_400)
    notify_backoff_initial_s: float = Field(default=30.0, gt=0, le=86_400)
    notify_backoff_max_s: float = Field(default=3600.0, gt=0, le=86_400)
    notify_lease_s: float = Field(default=120.0, gt=0, le=86_400)
    notify_poll_s: float = Field(default=5.0, gt=0, le=3600)
    notify_timeout_s: float = Field(default=10.0, gt=0, le=300)
    notify_in_serve: bool = True
    webhook_allow_private: bool = True

    @model_validator(mode="after")
    def _adhoc_timeout_within_statement_timeout(self) -> Settings:
        # The connection's reply deadline derives from the statement timeout: a longer ad-hoc
        # timeout would be cut by it and reported as the database being down.
        if self.sql_timeout_ms > self.db_statement_timeout_ms:
            raise ValueError(
                f"DYNO_SQL_TIMEOUT_MS ({self.sql_timeout_ms}) must not exceed "
                f"DYNO_DB_STATEMENT_TIMEOUT_MS ({self.db_statement_timeout_ms})"
            )
        return self

    @field_validator("database_url", "smtp_host")
    @classmethod
    def _blank_url_is_unset(cls, value: str | None) -> str | None:
        return value or None

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_addresses(cls, value: str) -> str:
        for item in proxy_list(value):
            try:
                ipaddress.ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or CIDR network") from None
        return value

    def trusted_proxy_list(self) -> list[str]:
        """DYNO_TRUSTED_PROXIES as a list (empty: believe no X-Forwarded-For)."""
        return proxy_list(self.trusted_proxies)

    def llm_spec(self) -> str:
        """The model to use: DYNO_LLM, else the first configured provider, else `offline`."""
        if self.llm:
            return self.llm
        if self.google_api_key:
            return "google_genai:gemini-2.5-flash"
        if self.openai_api_key:
            return "openai:gpt-4.1-mini"
        if self.anthropic_api_key:
            return "anthropic:claude-sonnet-4-5"
        if self.ollama_host:
            return "ollama:qwen2.5:7b"
        return "offline"

    def resolved_jwt_secret(self) -> str:
        """The configured secret, or one generated once and kept in the data directory."""
        if self.jwt_secret:
            return self.jwt_secret
        path = self.data_dir / JWT_SECRET_FILE
        if path.exists():
            return path.read_text().strip()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        # Written aside and linked into place: processes starting together (workers, replicas on
        # one data directory) all end up with the first one's secret, never a half-written file.
        staged = path.with_name(f"{JWT_SECRET_FILE}.{secrets.token_hex(8)}")
        staged.touch(mode=0o600)
        try:
            staged.write_text(secrets.token_urlsafe(48))
            with contextlib.suppress(FileExistsError):  # another process was first
                os.link(staged, path)
        finally:
            staged.unlink()
        return path.read_text().strip()


def proxy_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


@lru_cache
def get_settings() -> Settings:
    return Settings()
