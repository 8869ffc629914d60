"""The offline model's reading of plan requests: which phrasings plan or commit, the horizon, and
which nearby phrasings stay what they were."""

from __future__ import annotations

import pytest

from dyno_agent.agent.offline.intents import Intent, classify
from dyno_agent.agent.offline.planning import find_plan_id, horizon_days
from tests.conftest import TODAY


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Plan the open forecast for the next quarter", Intent.PLAN),
        ("Can you make a plan for the backlog?", Intent.PLAN),
        ("schedule the pending requests over the next 3 months", Intent.PLAN),
        ("plan vehicle 42's open tests", Intent.PLAN),
        ("Erstelle einen Plan für die offenen Testanfragen", Intent.PLAN),
        ("bitte die offenen Anfragen einplanen", Intent.PLAN),
        ("book the plan", Intent.COMMIT_PLAN),
        ("go ahead with plan 4", Intent.COMMIT_PLAN),
        ("buche den Plan", Intent.COMMIT_PLAN),
        ("approve plan #7", Intent.COMMIT_PLAN),
        ("what's planned on MPG 3 next week?", Intent.DYNO_SCHEDULE),
        ("Book vehicle 5 for a brake test next Monday for 2 days", Intent.BOOK),
        ("cancel booking 17", Intent.CANCEL),
    ],
)
def test_plan_phrasings_are_told_apart(text: str, intent: Intent):
    assert classify(text) is intent


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("for the next quarter", 92),  # 2026-03-02 to 2026-06-02
        ("over the next 60 days", 60),
        ("for the next two weeks", 14),
        ("next month", 31),
        ("in the coming year", 365),
        ("für die nächsten 6 Wochen", 42),
        ("für das nächste Quartal", 92),
        ("the open requests", None),
    ],
)
def test_a_horizon_counts_from_today(text: str, days: int | None):
    assert horizon_days(text, TODAY) == days


def test_a_plan_is_named_by_its_number():
    texts = ("plan 3", "Plan #12", "plan no. 5", "Plan Nr. 8", "the plan")
    assert [find_plan_id(t) for t in texts] == [3, 12, 5, 8, None]
