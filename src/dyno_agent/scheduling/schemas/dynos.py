"""Dyno and compatibility-rule schemas."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dyno_agent.errors import InvalidInput
from dyno_agent.inputs import Day, InputModel
from dyno_agent.scheduling import vocab

_INPUT = ConfigDict(extra="forbid", str_strip_whitespace=True)


class RuleIn(InputModel):
    """This dyno may run `test_type` for this drive type and weight class (`any` matches all)."""

    model_config = _INPUT

    test_type: str = Field(examples=["brake"])
    drive_type: str = Field(examples=["AWD"], description="2WD, AWD, 4WD or any.")
    weight_class: str = Field(examples=["<10K"], description="<10K, >10K or any.")

    @field_validator("test_type")
    @classmethod
    def _test_type(cls, value: str) -> str:
        return vocab.normalize_test_type(value)

    @field_validator("drive_type")
    @classmethod
    def _drive(cls, value: str) -> str:
        return vocab.normalize_rule_drive(value)

    @field_validator("weight_class")
    @classmethod
    def _weight_class(cls, value: str) -> str:
        return vocab.normalize_rule_weight_class(value)

    def key(self) -> tuple[str, str, str]:
        return (self.test_type, self.drive_type, self.weight_class)


class RuleRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    test_type: str
    drive_type: str
    weight_class: str


def check_window(available_from: dt.date | None, available_to: dt.date | None) -> None:
    if available_from and available_to and available_to < available_from:
        raise InvalidInput(
            f"available_to {available_to} is before available_from {available_from}.",
            field="available_to",
        )


class DynoCreate(InputModel):
    model_config = _INPUT

    name: str = Field(min_length=1, max_length=60, examples=["MPG 3"])
    facility: str = Field(min_length=1, max_length=60, examples=["MPG"])
    enabled: bool = True
    available_from: Day | None = Field(None, description="First day it can be booked.")
    available_to: Day | None = Field(None, description="Last day it can be booked.")
    notes: str | None = Field(None, max_length=2000)
    rules: list[RuleIn] = Field(default_factory=list, max_length=500)
    needs_approval: bool = Field(
        default=False, description="Users' bookings here wait for a power user's approval."
    )

    @model_validator(mode="after")
    def _window(self) -> DynoCreate:
        check_window(self.available_from, self.available_to)
        return self


class DynoUpdate(InputModel):
    """Only the fields sent change; `rules`, when sent, replaces every rule of the dyno."""

    model_config = _INPUT

    name: str | None = Field(None, min_length=1, max_length=60)
    facility: str | None = Field(None, min_length=1, max_length=60)
    enabled: bool | None = None
    available_from: Day | None = None
    available_to: Day | None = None
    notes: str | None = Field(None, max_length=2000)
    rules: list[RuleIn] | None = Field(None, max_length=500)
    needs_approval: bool | None = None

    @field_validator("name", "facility", "enabled", "rules", "needs_approval")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:
            raise ValueError("cannot be null")
        return value

    @model_validator(mode="after")
    def _window(self) -> DynoUpdate:
        check_window(self.available_from, self.available_to)
        return self


class DynoRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    facility: str
    enabled: bool
    available_from: dt.date | None
    available_to: dt.date | None
    notes: str | None
    needs_approval: bool = False
    supported_weight_classes: list[str]
    supported_drives: list[str]
    supported_test_types: list[str]
    rules: list[RuleRead]
    created_at: dt.datetime
    updated_at: dt.datetime

    @field_validator("rules")
    @classmethod
    def _sorted(cls, rules: list[RuleRead]) -> list[RuleRead]:
        return sorted(rules, key=lambda r: (r.test_type, r.drive_type, r.weight_class))
