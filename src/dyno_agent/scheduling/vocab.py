"""The lab's vocabularies, normalised once at the boundary.

Drive types
    `2WD`, `AWD`, `4WD`. Synonyms (any case, surrounding spaces ignored):
    `2WD`, `4X2`, `FWD`, `RWD`, `2 WD` -> `2WD`; `AWD`, `RWD/AWD`, `FWD/AWD`, `AWD/RWD` -> `AWD`
    (a vehicle that can run with all wheels driven needs a two-axle dyno); `4WD`, `4X4` -> `4WD`.
Weight classes
    `<10K` (weight <= 10,000 lbs) and `>10K`. Accepted spellings: `<10k`, `< 10K`, `>10k`, ...
Test types
    Case-insensitive free names, stored lower-case with single spaces: `150K  Mileage` ->
    `150k mileage`.
Rule wildcards
    `any` in a rule's drive type or weight class matches every value.
Vehicle tags
    The lab's Tag # (`312W028`), stored upper-case with single spaces, up to 40 characters. A tag
    starting with `TBD` (or `PLACE HOLDER`) names a vehicle not built yet: such a vehicle is a
    placeholder keyed `<TBD text>#<n>` (`TBD-2027 P702#3`) and has no tag until the real one is
    assigned.
"""

from __future__ import annotations

import re

from dyno_agent.errors import InvalidInput

DRIVE_TYPES = ("2WD", "AWD", "4WD")
WEIGHT_CLASSES = ("<10K", ">10K")
ANY = "any"
WEIGHT_CLASS_LIMIT_LBS = 10_000
MAX_WEIGHT_LBS = 80_000
KG_PER_LB = 0.45359237

_DRIVE_SYNONYMS = {
    "2WD": "2WD",
    "4X2": "2WD",
    "FWD": "2WD",
    "RWD": "2WD",
    "AWD": "AWD",
    "RWD/AWD": "AWD",
    "AWD/RWD": "AWD",
    "FWD/AWD": "AWD",
    "AWD/FWD": "AWD",
    "4WD": "4WD",
    "4X4": "4WD",
}
_WEIGHT_CLASS_SYNONYMS = {"<10K": "<10K", ">10K": ">10K", "<=10K": "<10K", ">=10K": ">10K"}
VIN_PATTERN = re.compile(r"^[A-HJ-NPR-Z0-9]{17}$")


def normalize_drive_type(value: str) -> str:
    key = re.sub(r"\s+", "", value).upper()
    try:
        return _DRIVE_SYNONYMS[key]
    except KeyError:
        raise InvalidInput(
            f"Unknown drive type {value!r}; use one of {', '.join(DRIVE_TYPES)} "
            "(synonyms 4X2, FWD, RWD, RWD/AWD and 4X4 are accepted).",
            field="drive_type",
        ) from None


def normalize_rule_drive(value: str) -> str:
    """A rule's drive type: a drive type or the wildcard `any`."""
    return ANY if value.strip().lower() == ANY else normalize_drive_type(value)


def normalize_weight_class(value: str) -> str:
    key = re.sub(r"\s+", "", value).upper()
    try:
        return _WEIGHT_CLASS_SYNONYMS[key]
    except KeyError:
        raise InvalidInput(
            f"Unknown weight class {value!r}; use <10K or >10K.", field="weight_class"
        ) from None


def normalize_rule_weight_class(value: str) -> str:
    return ANY if value.strip().lower() == ANY else normalize_weight_class(value)


def weight_class_for(weight_lbs: int | float) -> str:
    if not 0 < weight_lbs <= MAX_WEIGHT_LBS:
        raise InvalidInput(
            f"Weight must be between 1 and {MAX_WEIGHT_LBS:,} lbs, got {weight_lbs}.",
            field="weight_lbs",
        )
    return "<10K" if weight_lbs <= WEIGHT_CLASS_LIMIT_LBS else ">10K"


def normalize_test_type(value: str) -> str:
    name = re.sub(r"\s+", " ", value).strip().lower()
    if not name or len(name) > 80:
        raise InvalidInput("Test type must be 1 to 80 characters.", field="test_type")
    return name


_VIN_VALUES = dict(zip("ABCDEFGH", range(1, 9), strict=True)) | {
    **dict(zip("JKLMN", range(1, 6), strict=True)),
    "P": 7,
    "R": 9,
    **dict(zip("STUVWXYZ", range(2, 10), strict=True)),
    **{str(d): d for d in range(10)},
}
_VIN_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)


def vin_check_digit(vin: str) -> str:
    """The North American check digit (position 9) of a 17-character VIN."""
    total = sum(_VIN_VALUES[c] * w for c, w in zip(vin, _VIN_WEIGHTS, strict=True))
    remainder = total % 11
    return "X" if remainder == 10 else str(remainder)


def check_vin(value: str) -> str:
    """A VIN for a vehicle being registered or edited: well-formed and with a valid check digit
    (lookups only normalise, so vehicles stored before the check stay reachable)."""
    vin = normalize_vin(value)
    expected = vin_check_digit(vin)
    if vin[8] != expected:
        raise InvalidInput(
            f"{value.strip()!r} is not a valid VIN: its check digit (9th character) should be "
            f"{expected}.",
            field="vin",
        )
    return vin


def normalize_vin(value: str) -> str:
    vin = value.strip().upper()
    if not VIN_PATTERN.fullmatch(vin):
        raise InvalidInput(
            f"{value!r} is not a VIN: 17 letters and digits, without I, O or Q.", field="vin"
        )
    return vin


TAG_MAX_LENGTH = 40
PLACEHOLDER_KEY_MAX_LENGTH = 80
_TAG_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9 ._/#-]*$")
_PLACEHOLDER_TAG = re.compile(r"^(TBD\b|PLACE ?HOLDER\b)")


def _clean(value: str) -> str:
    return re.sub(r"\s+", " ", value).strip().upper()


def is_placeholder_tag(value: str) -> bool:
    """Whether a Tag # stands for a vehicle not built yet (`TBD-2027 P702`, `TBD - 2027 S650`,
    `PLACE HOLDER`)."""
    return bool(_PLACEHOLDER_TAG.match(_clean(value)))


def normalize_tag(value: str) -> str:
    tag = _clean(value)
    if not tag or len(tag) > TAG_MAX_LENGTH or not _TAG_PATTERN.fullmatch(tag):
        raise InvalidInput(
            f"{value!r} is not a tag: 1 to {TAG_MAX_LENGTH} letters, digits, spaces and . _ / # -, "
            "starting with a letter or digit.",
            field="tag",
        )
    if is_placeholder_tag(tag):
        raise InvalidInput(
            f"{value!r} is a placeholder (TBD), not a tag; register the vehicle with a "
            "placeholder_key and assign its tag when it is built.",
            field="tag",
        )
    return tag


def normalize_placeholder_key(value: str) -> str:
    key = _clean(value)
    if not key or len(key) > PLACEHOLDER_KEY_MAX_LENGTH or "\x00" in key:
        raise InvalidInput(
            f"A placeholder key has 1 to {PLACEHOLDER_KEY_MAX_LENGTH} characters.",
            field="placeholder_key",
        )
    return key


def placeholder_key(placeholder_tag: str, occurrence: int) -> str:
    """The key of the `occurrence`-th (from 1, in sheet order) row carrying this TBD tag."""
    if occurrence < 1:
        raise InvalidInput("A placeholder occurrence counts from 1.", field="placeholder_key")
    return normalize_placeholder_key(f"{_clean(placeholder_tag)}#{occurrence}")


def resolve_weight_class(weight_lbs: int | None, weight_class: str | None) -> str:
    """The class from the weight when known, else the given class; both must agree."""
    if weight_lbs is not None:
        derived = weight_class_for(weight_lbs)
        if weight_class is not None and normalize_weight_class(weight_class) != derived:
            raise InvalidInput(
                f"Weight {weight_lbs} lbs is class {derived}, not {weight_class}.",
                field="weight_class",
            )
        return derived
    if weight_class is None:
        raise InvalidInput("Give weight_lbs or weight_class.", field="weight_lbs")
    return normalize_weight_class(weight_class)
