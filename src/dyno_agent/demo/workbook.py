"""The lab's workbook (`cert_fuel_baseline.xlsx`), transcribed: its dynos, rules and maintenance.

`DynoRules` rows are kept as written (lower-case test types and drives, `<10k`/`>10k`); the domain
normalises them when the dynos are created. `InfoTable` lists 22 dynos; `Track` appears only in the
rules and is the 23rd.
"""

from __future__ import annotations

import datetime as dt

MPG_LOW = tuple(f"MPG {n}" for n in range(1, 7))
MPG_HIGH = tuple(f"MPG {n}" for n in range(22, 29))
VTS = ("VTS #1", "VTS #2", "VTS #3")
ATDL = ("ATDL #1", "ATDL #2", "ATDL #3")
TRP = ("TRP #1", "TRP #2", "TRP #3")
TRACK = ("Track",)

# InfoTable order, then Track.
DYNO_NAMES: tuple[str, ...] = MPG_LOW + MPG_HIGH + VTS + ATDL + TRP + TRACK


def facility_of(name: str) -> str:
    """The name's prefix: `MPG 22` -> `MPG`, `VTS #1` -> `VTS`, `Track` -> `Track`."""
    return name.split(" ", 1)[0]


# DynoRules: (test type, drive type, weight class) -> dynos. Each row is one conjunctive rule.
WORKBOOK_RULES: tuple[tuple[str, str, str, tuple[str, ...]], ...] = (
    ("not cert-durability", "any", "any", ("MPG 1", "MPG 2")),
    ("evap", "any", "any", ("MPG 1", "MPG 2")),
    ("150k mileage", "awd", "any", MPG_LOW + TRP),
    ("150k mileage", "2wd", ">10k", MPG_LOW + VTS + TRP),
    ("150k mileage", "2wd", "<10k", MPG_LOW + MPG_HIGH + VTS + TRP + ATDL),
    ("4k certification", "awd", "any", (*MPG_LOW, "Track")),
    ("4k certification", "2wd", ">10k", (*MPG_LOW, "Track")),
    ("4k certification", "2wd", "<10k", (*MPG_LOW, *MPG_HIGH, *VTS, *TRP, *ATDL, "Track")),
)

# Maintenance sheet: the only filled row (Excel serials 45565..45631).
WORKBOOK_MAINTENANCE: tuple[tuple[str, dt.date, dt.date, str], ...] = (
    ("MPG 1", dt.date(2024, 9, 30), dt.date(2024, 12, 5), "Workbook maintenance"),
)

# Forecast sheet vocabularies used to generate realistic vehicles.
CERT_TEAMS = ("FE Label", "OBD Cert", "HD Emissions", "LD Emissions", "Homologation")
BUILD_TYPES = ("TT", "DCV", "TPV")
