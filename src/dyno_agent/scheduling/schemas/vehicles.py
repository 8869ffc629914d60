"""Vehicle schemas. Tag, VIN, drive type and weight class are normalised on the way in."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dyno_agent.errors import InvalidInput
from dyno_agent.inputs import InputModel
from dyno_agent.scheduling import vocab

Weight = Annotated[int, Field(ge=1, le=vocab.MAX_WEIGHT_LBS, description="Curb weight in lbs.")]
ModelYear = Annotated[int, Field(ge=1980, le=2100, description="Model year (the sheet's MY).")]
_TAG = "The lab's Tag # (unique), e.g. 312W028."
_PLACEHOLDER = (
    "For a vehicle not built yet (no tag): a unique key such as `TBD-2027 P702#3`, the 3rd row "
    "carrying that TBD tag. Kept when the tag is assigned."
)
_INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class VehicleCreate(InputModel):
    """A test vehicle, by `tag` (or `placeholder_key` while it is not built); the VIN is optional,
    and a vehicle given only a VIN gets it as its tag. Give `weight_lbs` (the class is derived) or
    `weight_class`, or both."""

    model_config = _INPUT

    tag: str | None = Field(None, description=_TAG, examples=["312W028"])
    placeholder_key: str | None = Field(None, description=_PLACEHOLDER)
    vin: str | None = Field(None, examples=["1FTFW1E50PFA00001"])
    model_year: ModelYear | None = None
    program: str | None = Field(None, max_length=120)
    build_id: str | None = Field(None, max_length=60)
    cert_team: str | None = Field(None, max_length=120)
    powerpack: str | None = Field(None, max_length=200)
    build_type: str | None = Field(None, max_length=60)
    weight_lbs: Weight | None = None
    weight_class: str | None = Field(None, examples=["<10K"])
    drive_type: str = Field(examples=["AWD"], description="2WD, AWD or 4WD (synonyms accepted).")

    @field_validator("tag")
    @classmethod
    def _tag(cls, value: str | None) -> str | None:
        return None if value is None else vocab.normalize_tag(value)

    @field_validator("placeholder_key")
    @classmethod
    def _placeholder_key(cls, value: str | None) -> str | None:
        return None if value is None else vocab.normalize_placeholder_key(value)

    @field_validator("vin")
    @classmethod
    def _vin(cls, value: str | None) -> str | None:
        return None if value is None else vocab.check_vin(value)

    @field_validator("drive_type")
    @classmethod
    def _drive(cls, value: str) -> str:
        return vocab.normalize_drive_type(value)

    @model_validator(mode="after")
    def _weight(self) -> VehicleCreate:
        if self.tag is None and self.placeholder_key is None and self.vin is None:
            raise InvalidInput(
                "Give the vehicle's tag (or VIN), or a placeholder_key for a vehicle not built "
                "yet.",
                field="tag",
            )
        self.weight_class = vocab.resolve_weight_class(self.weight_lbs, self.weight_class)
        return self


class VehicleUpdate(InputModel):
    """Only the fields sent change. `weight_lbs: null` forgets the weight and keeps the class.
    Sending `tag` to a placeholder assigns its real tag; it keeps its id, requests and bookings."""

    model_config = _INPUT

    tag: str | None = Field(None, description=_TAG)
    vin: str | None = None
    model_year: ModelYear | None = None
    program: str | None = Field(None, max_length=120)
    build_id: str | None = Field(None, max_length=60)
    cert_team: str | None = Field(None, max_length=120)
    powerpack: str | None = Field(None, max_length=200)
    build_type: str | None = Field(None, max_length=60)
    weight_lbs: Weight | None = None
    weight_class: str | None = None
    drive_type: str | None = None

    @field_validator("tag")
    @classmethod
    def _tag(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("tag cannot be null")
        return vocab.normalize_tag(value)

    @field_validator("vin")
    @classmethod
    def _vin(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("vin cannot be null")
        return vocab.check_vin(value)

    @field_validator("drive_type")
    @classmethod
    def _drive(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("drive_type cannot be null")
        return vocab.normalize_drive_type(value)

    @field_validator("weight_class")
    @classmethod
    def _weight_class(cls, value: str | None) -> str | None:
        return None if value is None else vocab.normalize_weight_class(value)


class VehicleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    tag: str | None = Field(description="NULL while the vehicle is a placeholder.")
    placeholder_key: str | None
    is_placeholder: bool
    label: str = Field(description="How messages name it: tag, else VIN, else placeholder key.")
    vin: str | None
    model_year: int | None
    program: str | None
    build_id: str | None
    cert_team: str | None
    powerpack: str | None
    build_type: str | None
    weight_lbs: int | None
    weight_class: str
    drive_type: str
    created_at: dt.datetime
    updated_at: dt.datetime
