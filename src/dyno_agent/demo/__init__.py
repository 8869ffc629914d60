"""The demo dataset: the workbook's dynos and rules, generated vehicles, bookings around today."""

from dyno_agent.demo.loader import (
    DATASET_DEMO,
    DATASET_KEY,
    DEMO_PASSWORD,
    DEMO_USERS,
    DemoStatus,
    DemoSummary,
    load_demo,
)

__all__ = [
    "DATASET_DEMO",
    "DATASET_KEY",
    "DEMO_PASSWORD",
    "DEMO_USERS",
    "DemoStatus",
    "DemoSummary",
    "load_demo",
]
