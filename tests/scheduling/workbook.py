"""The workbook's `150k mileage` and `4k certification` rules, for tests of exact matching."""

from __future__ import annotations

MPG_1_6 = [f"MPG {n}" for n in range(1, 7)]
MPG_22_28 = [f"MPG {n}" for n in range(22, 29)]
VTS = [f"VTS #{n}" for n in range(1, 4)]
ATDL = [f"ATDL #{n}" for n in range(1, 4)]
TRP = [f"TRP #{n}" for n in range(1, 4)]

WORKBOOK_RULES: list[tuple[str, str, str, list[str]]] = [
    ("not cert-durability", "any", "any", ["MPG 1", "MPG 2"]),
    ("evap", "any", "any", ["MPG 1", "MPG 2"]),
    ("150k mileage", "AWD", "any", MPG_1_6 + TRP),
    ("150k mileage", "2WD", ">10K", MPG_1_6 + VTS + TRP),
    ("150k mileage", "2WD", "<10K", MPG_1_6 + MPG_22_28 + VTS + TRP + ATDL),
    ("4k certification", "AWD", "any", [*MPG_1_6, "Track"]),
    ("4k certification", "2WD", ">10K", [*MPG_1_6, "Track"]),
    ("4k certification", "2WD", "<10K", MPG_1_6 + MPG_22_28 + VTS + TRP + ATDL + ["Track"]),
]
ALL_DYNOS = MPG_1_6 + MPG_22_28 + VTS + ATDL + TRP + ["Track"]


def rules_by_dyno() -> dict[str, list[tuple[str, str, str]]]:
    by_dyno: dict[str, list[tuple[str, str, str]]] = {name: [] for name in ALL_DYNOS}
    for test_type, drive, weight, names in WORKBOOK_RULES:
        for name in names:
            by_dyno[name].append((test_type, drive, weight))
    return by_dyno
