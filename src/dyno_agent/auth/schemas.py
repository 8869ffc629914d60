"""Request and response bodies for auth and user administration."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from dyno_agent.auth.models import Role
from dyno_agent.auth.service import check_password, clean_name, normalise_email
from dyno_agent.inputs import InputModel


def _role_text(value: object) -> object:
    return value.strip().lower() if isinstance(value, str) else value


# Lengths are capped before the validators run so nobody can make us parse a megabyte.
Email = Annotated[str, Field(max_length=320), AfterValidator(normalise_email)]
Password = Annotated[str, Field(max_length=1024), AfterValidator(check_password)]
FullName = Annotated[str | None, Field(max_length=120), AfterValidator(clean_name)]
RoleIn = Annotated[Role, BeforeValidator(_role_text)]


class _Body(InputModel):
    model_config = ConfigDict(extra="forbid")


class UserRegister(_Body):
    email: Email
    password: Password
    full_name: FullName = None


class UserCreate(UserRegister):
    role: RoleIn = Role.user


class UserUpdate(_Body):
    """Only the fields sent are changed; `full_name: null` clears the name."""

    role: RoleIn | None = None
    is_active: bool | None = None
    full_name: FullName = None
    password: Password | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str | None
    role: Role
    is_active: bool
    created_at: dt.datetime


class LoginRequest(_Body):
    # No format check: a login only needs to match a stored address.
    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)


class PasswordChange(_Body):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: Password


class TokenRead(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the token expires.")
