"""What `dyno serve --workers N` relies on: one JWT secret for processes starting together."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from dyno_agent.config import JWT_SECRET_FILE, Settings

ROUNDS = 20  # a race: several rounds, each on a new data directory


def test_processes_starting_together_agree_on_the_generated_jwt_secret(tmp_path: Path) -> None:
    for round_ in range(ROUNDS):
        data_dir = tmp_path / f"data{round_}"
        settings = Settings(_env_file=None, jwt_secret=None, data_dir=data_dir)
        with ThreadPoolExecutor(max_workers=16) as pool:
            secrets = list(pool.map(Settings.resolved_jwt_secret, [settings] * 32))
        assert len(set(secrets)) == 1 and len(secrets[0]) >= 48
        assert [p.name for p in data_dir.iterdir()] == [JWT_SECRET_FILE]
        assert (data_dir / JWT_SECRET_FILE).stat().st_mode & 0o077 == 0
