"""The demo rule table: the workbook rules, 4WD rows mirroring its AWD rows, and other tests.

The workbook only knows `awd` and `2wd`; a 4WD (4X4) vehicle drives both axles, so it needs the
same two-axle dynos as AWD. Every `awd` row therefore gets a `4wd` twin with the same dynos.
"""

from __future__ import annotations

from collections import defaultdict

from dyno_agent.demo.workbook import (
    ATDL,
    DYNO_NAMES,
    MPG_HIGH,
    TRACK,
    TRP,
    VTS,
    WORKBOOK_RULES,
)

RuleRow = tuple[str, str, str, tuple[str, ...]]

# Tests the lab books besides the workbook's; the README's demo rule table mirrors this.
EXTRA_RULES: tuple[RuleRow, ...] = (
    ("brake", "any", "any", VTS + TRP),
    ("emissions", "2wd", "<10k", MPG_HIGH),
    ("emissions", "awd", "any", ATDL),
    ("durability", "any", "any", ("MPG 5", "MPG 6", *TRP)),
    ("coastdown", "any", "any", TRACK),
)


def with_4wd_mirrors(rows: tuple[RuleRow, ...]) -> tuple[RuleRow, ...]:
    """Each `awd` row followed by a `4wd` row with the same dynos."""
    out: list[RuleRow] = []
    for test_type, drive, weight, dynos in rows:
        out.append((test_type, drive, weight, dynos))
        if drive == "awd":
            out.append((test_type, "4wd", weight, dynos))
    return tuple(out)


RULE_ROWS: tuple[RuleRow, ...] = with_4wd_mirrors(WORKBOOK_RULES + EXTRA_RULES)


def rules_by_dyno() -> dict[str, list[tuple[str, str, str]]]:
    """Every dyno's (test type, drive, weight class) triples, in table order."""
    table: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    for test_type, drive, weight, dynos in RULE_ROWS:
        for name in dynos:
            if name not in DYNO_NAMES:
                raise ValueError(f"rule names unknown dyno {name!r}")
            table[name].append((test_type, drive, weight))
    return {name: table[name] for name in DYNO_NAMES}


def compatible_dynos(test_type: str, drive: str, weight_class: str) -> list[str]:
    """Dynos allowed by some row matching all three (drive `2wd|awd|4wd`, class `<10k|>10k`)."""
    names: set[str] = set()
    for row_test, row_drive, row_weight, dynos in RULE_ROWS:
        if (
            row_test == test_type
            and row_drive in (drive, "any")
            and row_weight in (weight_class, "any")
        ):
            names.update(dynos)
    return [name for name in DYNO_NAMES if name in names]


TEST_TYPES: tuple[str, ...] = tuple(dict.fromkeys(row[0] for row in RULE_ROWS))
