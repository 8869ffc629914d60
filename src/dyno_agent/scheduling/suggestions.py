"""Did-you-mean for names the lab does not know: the closest known test types (rapidfuzz)."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from dyno_agent.scheduling.models import DynoRule

# How alike (rapidfuzz WRatio, 0-100) a known name must be to be suggested: "brke" -> "brake"
# (89), "4k cert" -> "4k certification" (90), "150 k" -> "150k mileage" (80).
SUGGEST_CUTOFF = 70
SUGGEST_LIMIT = 3


def closest(name: str, known: Sequence[str], limit: int = SUGGEST_LIMIT) -> list[str]:
    """The known names most like `name`, best first (none when nothing is close)."""
    found = process.extract(
        name,
        list(known),
        scorer=fuzz.WRatio,
        processor=utils.default_process,
        limit=limit,
        score_cutoff=SUGGEST_CUTOFF,
    )
    return [match for match, _, _ in found]


async def known_test_types(session: AsyncSession) -> list[str]:
    """Every test type some dyno has a rule for."""
    rows = await session.scalars(select(DynoRule.test_type).distinct().order_by(DynoRule.test_type))
    return list(rows)


async def unknown_test_type_hint(session: AsyncSession, test_type: str) -> dict[str, object] | None:
    """For a test type no dyno knows: `{"hint": "Did you mean ...?", "suggestions": [...]}`
    (the known types when none is close); None when it is known."""
    hint = test_type_hint(test_type, await known_test_types(session))
    return None if hint is None else {"hint": hint[0], "suggestions": hint[1]}


def test_type_hint(test_type: str, known: Sequence[str]) -> tuple[str, list[str]] | None:
    """For a test type not in `known`: ("Did you mean ...?", the closest) or, when none is
    close, the known types listed; None when it is known."""
    if test_type in known:
        return None
    suggestions = closest(test_type, known)
    if suggestions:
        return "Did you mean " + " or ".join(repr(s) for s in suggestions) + "?", suggestions
    hint = "Known test types: " + ", ".join(known) + "." if known else "No dyno has rules yet."
    return hint, suggestions
