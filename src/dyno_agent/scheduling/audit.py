"""Kept for the booking engine and the agent's imports; the stamp lives in `dyno_agent.audit`."""

from __future__ import annotations

from dyno_agent.audit.stamp import stamp

__all__ = ["stamp"]
