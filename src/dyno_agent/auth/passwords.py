"""bcrypt hashing, run in a worker thread so it never blocks the event loop."""

from __future__ import annotations

import anyio.to_thread
import bcrypt

# bcrypt only reads the first 72 bytes; longer passwords are refused rather than truncated.
MAX_PASSWORD_BYTES = 72
# What unknown users are checked against: bcrypt("timing-equaliser", 12 rounds), written out so
# that importing this module (every CLI command) does not spend a hash's worth of CPU.
_DUMMY_HASH = "$2b$12$Q7sS.NYjuuTaQNSN.b/DZeg96HfN6w3ZXkqCR3j6ppZ2RJa5Zs7FK"


def _hash(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(rounds=12)).decode()


def _verify(password: str, password_hash: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode(), password_hash.encode())
    except ValueError:
        return False


async def hash_password(password: str) -> str:
    return await anyio.to_thread.run_sync(_hash, password)


async def verify_password(password: str, password_hash: str | None) -> bool:
    """Check a password; with no hash (unknown user) spend the same time and say no."""
    if password_hash is None:
        await anyio.to_thread.run_sync(_verify, password, _DUMMY_HASH)
        return False
    return await anyio.to_thread.run_sync(_verify, password, password_hash)


def hash_password_sync(password: str) -> str:
    """For batch seeding (demo data), outside any event loop."""
    return _hash(password)
