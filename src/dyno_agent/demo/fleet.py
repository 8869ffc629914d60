"""Generated demo vehicles: real-looking VINs (valid check digit), programs from the workbook."""

from __future__ import annotations

import random
from dataclasses import dataclass

from dyno_agent.demo.workbook import BUILD_TYPES, CERT_TEAMS
from dyno_agent.scheduling.vocab import vin_check_digit

VEHICLE_COUNT = 60
SEED = 20_260_302

_VIN_CHARS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_MODEL_YEARS = {2026: "T", 2027: "V", 2028: "W", 2029: "X"}
_PLANTS = "CEFKLRY"


def make_vin(rng: random.Random, wmi: str, model_year: int) -> str:
    vds = "".join(rng.choice(_VIN_CHARS) for _ in range(5))
    tail = _MODEL_YEARS[model_year] + rng.choice(_PLANTS) + f"{rng.randrange(10**6):06d}"
    draft = wmi + vds + "0" + tail
    return draft[:8] + vin_check_digit(draft) + draft[9:]


@dataclass(frozen=True)
class Program:
    name: str
    wmi: str
    drives: tuple[str, ...]
    weight_range: tuple[int, int]
    powerpacks: tuple[str, ...]
    share: int  # relative frequency, roughly as in the workbook's forecast


PROGRAMS: tuple[Program, ...] = (
    Program("S650", "1FA", ("2WD",), (3_600, 4_300), ("5.0L", "27MY S650 (4x2 or track)"), 9),
    Program(
        "P708", "1FT", ("2WD", "4WD"), (7_500, 14_000),
        ("6.7L Diesel OBD (Federal) SRW <10K", "6.7L Diesel OBD (Federal) DRW >10K"), 7,
    ),
    Program(
        "P768", "1FD", ("2WD", "4WD"), (8_000, 14_000),
        ("2029 P768 6.7L Diesel 2WD Diesel DCV", "29MY P768 DCV"), 6,
    ),
    Program(
        "P702", "1FT", ("2WD", "4WD", "AWD"), (4_700, 6_500),
        ("27MY P702 - RWD", "BEV", "26MY P702 FHEV 4x4 [JOB1]"), 6,
    ),
    Program("P703", "1FT", ("4WD", "2WD"), (4_200, 5_000), ("26MY P703-2.3L-AWD (4X4)",), 3),
    Program("U725", "1FM", ("AWD", "4WD"), (4_400, 5_600), ("27MY U725",), 2),
    Program("P736", "1FT", ("2WD", "4WD"), (6_000, 8_500), ("29MY P736 DCV",), 2),
    Program(
        "P758", "3FT", ("2WD", "AWD"), (3_600, 4_200),
        ("26MY P758 2L FWD", "26MY P758 2.5L FHEV AWD (4x4 or TRACK)"), 2,
    ),
    Program("CX727", "1FM", ("AWD",), (4_300, 5_000), ("27MY CX727 FNA (4x4 or track)",), 2),
    Program("V801", "1FT", ("2WD", "AWD"), (6_000, 10_800), ("V801",), 2),
    Program("U625", "3FM", ("4WD",), (3_500, 4_100), ("U625/U611 (4X4 OR TRACK)",), 2),
)  # fmt: skip


@dataclass(frozen=True)
class VehicleSpec:
    tag: str
    vin: str
    model_year: int
    program: str
    build_id: str
    cert_team: str
    powerpack: str
    build_type: str
    weight_lbs: int
    drive_type: str


def _powerpack(rng: random.Random, program: Program, weight_lbs: int) -> str:
    """A powerpack whose `<10K`/`>10K` label, if it has one, agrees with the weight."""
    label = "<10K" if weight_lbs <= 10_000 else ">10K"
    fitting = [p for p in program.powerpacks if "10K" not in p or label in p]
    return rng.choice(fitting or program.powerpacks)


def generate_vehicles(count: int = VEHICLE_COUNT, seed: int = SEED) -> list[VehicleSpec]:
    """The same `count` vehicles for the same seed, with distinct VINs and tags DEMO-001, ...
    (a series the lab's workbook does not use, so importing it never touches a demo vehicle)."""
    rng = random.Random(seed)
    vehicles: list[VehicleSpec] = []
    vins: set[str] = set()
    weights = [p.share for p in PROGRAMS]
    while len(vehicles) < count:
        program = rng.choices(PROGRAMS, weights=weights)[0]
        model_year = rng.choice(tuple(_MODEL_YEARS))
        vin = make_vin(rng, program.wmi, model_year)
        low, high = program.weight_range
        weight = rng.randrange(low, high + 1, 10)
        spec = VehicleSpec(
            tag=f"DEMO-{len(vehicles) + 1:03d}",
            vin=vin,
            model_year=model_year,
            program=program.name,
            build_id="".join(rng.choice(_VIN_CHARS) for _ in range(8)),
            cert_team=rng.choice(CERT_TEAMS),
            powerpack=_powerpack(rng, program, weight),
            build_type=rng.choice(BUILD_TYPES),
            weight_lbs=weight,
            drive_type=rng.choice(program.drives),
        )
        if vin not in vins:
            vins.add(vin)
            vehicles.append(spec)
    return vehicles
