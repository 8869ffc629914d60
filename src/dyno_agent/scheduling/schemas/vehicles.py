"""Vehicle schemas. VIN, drive type and weight class are normalised on the way in."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dyno_agent.inputs import InputModel
from dyno_agent.scheduling import vocab

Weight = Annotated[int, Field(ge=1, le=vocab.MAX_WEIGHT_LBS, description="Curb weight in lbs.")]
_INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class VehicleCreate(InputModel):
    """A test vehicle; give `weight_lbs` (the class is derived) or `weight_class`, or both."""

    model_config = _INPUT

    vin: str = Field(examples=["1FTFW1E50PFA00001"])
    program: str | None = Field(None, max_length=120)
    build_id: str | None = Field(None, max_length=60)
    cert_team: str | None = Field(None, max_length=120)
    powerpack: str | None = Field(None, max_length=200)
    build_type: str | None = Field(None, max_length=60)
    weight_lbs: Weight | None = None
    weight_class: str | None = Field(None, examples=["<10K"])
    drive_type: str = Field(examples=["AWD"], description="2WD, AWD or 4WD (synonyms accepted).")

    @field_validator("vin")
    @classmethod
    def _vin(cls, value: str) -> str:
        return vocab.normalize_vin(value)

    @field_validator("drive_type")
    @classmethod
    def _drive(cls, value: str) -> str:
        return vocab.normalize_drive_type(value)

    @model_validator(mode="after")
    def _weight(self) -> VehicleCreate:
        self.weight_class = vocab.resolve_weight_class(self.weight_lbs, self.weight_class)
        return self


class VehicleUpdate(InputModel):
    """Only the fields sent change. `weight_lbs: null` forgets the weight and keeps the class."""

    model_config = _INPUT

    vin: str | None = None
    program: str | None = Field(None, max_length=120)
    build_id: str | None = Field(None, max_length=60)
    cert_team: str | None = Field(None, max_length=120)
    powerpack: str | None = Field(None, max_length=200)
    build_type: str | None = Field(None, max_length=60)
    weight_lbs: Weight | None = None
    weight_class: str | None = None
    drive_type: str | None = None

    @field_validator("vin")
    @classmethod
    def _vin(cls, value: str | None) -> str:
        if value is None:
            raise ValueError("vin cannot be null")
        return vocab.normalize_vin(value)

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
    vin: str
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
