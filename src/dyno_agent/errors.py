"""Typed domain errors and the one place that renders them as HTTP responses.

Domain code raises these and never `HTTPException`; the API, the CLI and the agent each decide how
to show them. The JSON body is always `{"error": code, "message": text, "details": {...}}`.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError

# FastAPI is imported by `install_handlers` only: the CLI raises these errors without loading it.
if TYPE_CHECKING:
    from fastapi import FastAPI, Request
    from fastapi.responses import JSONResponse

log = logging.getLogger(__name__)


class DomainError(Exception):
    code: ClassVar[str] = "domain_error"
    status: ClassVar[int] = 400

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "details": self.details}


# 404 ---------------------------------------------------------------------------------------------
class NotFound(DomainError):
    code = "not_found"
    status = 404


class VehicleNotFound(NotFound):
    code = "vehicle_not_found"


class DynoNotFound(NotFound):
    code = "dyno_not_found"


class AllocationNotFound(NotFound):
    code = "allocation_not_found"


class WaitlistEntryNotFound(NotFound):
    code = "waitlist_entry_not_found"


class MaintenanceNotFound(NotFound):
    code = "maintenance_not_found"


class UserNotFound(NotFound):
    code = "user_not_found"


class ConversationNotFound(NotFound):
    code = "conversation_not_found"


class TestRequestNotFound(NotFound):
    __test__ = False  # not a pytest test class despite the name
    code = "test_request_not_found"


class PlanNotFound(NotFound):
    code = "plan_not_found"


class FeedNotFound(NotFound):
    """An unknown or revoked calendar feed token (which of the two is not said)."""

    code = "feed_not_found"


class FeedTokenNotFound(NotFound):
    code = "feed_token_not_found"


class FacilityNotFound(NotFound):
    code = "facility_not_found"


class SeriesNotFound(NotFound):
    code = "series_not_found"


class SubscriptionNotFound(NotFound):
    code = "subscription_not_found"


class NotificationNotFound(NotFound):
    code = "notification_not_found"


# 409 ---------------------------------------------------------------------------------------------
class Conflict(DomainError):
    code = "conflict"
    status = 409


class NoCapacity(Conflict):
    """No compatible dyno is free; `details` says why and when one is."""

    code = "no_capacity"


class NotCompatible(Conflict):
    code = "not_compatible"


class DynoBusy(Conflict):
    code = "dyno_busy"


class VehicleBusy(Conflict):
    code = "vehicle_busy"


class MaintenanceConflict(Conflict):
    code = "maintenance_conflict"


class DynoUnavailable(Conflict):
    """Disabled, or outside its commissioning window."""

    code = "dyno_unavailable"


class InvalidTransition(Conflict):
    code = "invalid_transition"


class AlreadyExists(Conflict):
    code = "already_exists"


class InUse(Conflict):
    code = "in_use"


class StrandsBookings(Conflict):
    """The change would leave open bookings incompatible, on a disabled dyno or outside its
    commissioning window; `details.bookings` lists them. `force` (power users) applies it."""

    code = "strands_bookings"


class NoteOverwrite(Conflict):
    """Adding a reference to a booking that already has another one; replacing it is explicit."""

    code = "note_overwrite"


class PlanConflicts(Conflict):
    """Some assignments of a plan no longer fit; `details.conflicts` lists every one and nothing
    was booked."""

    code = "plan_conflicts"


class PlanCommitted(Conflict):
    code = "plan_committed"


class SeriesConflicts(Conflict):
    """Some occurrences of a series could not be booked or moved; `details.occurrences` lists
    each with its reason, and nothing was changed."""

    code = "series_conflicts"


class RequestNotOpen(Conflict):
    """A test request is no longer open or planned (booked or cancelled since)."""

    code = "request_not_open"


class HoldExpired(Conflict):
    """A waitlist offer was not accepted in time; its slot went back to the line."""

    code = "hold_expired"


class NotOnWaitlist(Conflict):
    """A waitlist entry is not in the state the action needs (no offer, already closed)."""

    code = "waitlist_entry_closed"


# 422 ---------------------------------------------------------------------------------------------
class InvalidInput(DomainError, ValueError):
    code = "invalid_input"
    status = 422


class NotAWorkbook(InvalidInput):
    """An uploaded forecast that is not a readable .xlsx or .csv (or has no forecast header)."""

    code = "not_a_workbook"


class InvalidWebhookUrl(InvalidInput):
    """A webhook URL that is not http(s), has credentials, or points where webhooks may not."""

    code = "invalid_webhook_url"


class InvalidRows(InvalidInput):
    """Some forecast rows are invalid and `skip_invalid` was not given; `details` is the report."""

    code = "invalid_rows"


class InvalidPattern(InvalidInput):
    """A repeat pattern that cannot be read, or is unbounded (no count, span or end date)."""

    code = "invalid_pattern"


class SeriesTooLong(InvalidInput):
    """A series with more occurrences than DYNO_MAX_SERIES_OCCURRENCES."""

    code = "series_too_long"


# 413 ---------------------------------------------------------------------------------------------
class FileTooLarge(DomainError):
    code = "file_too_large"
    status = 413


# 401 / 403 / 429 ---------------------------------------------------------------------------------
class NotAuthenticated(DomainError):
    code = "not_authenticated"
    status = 401


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403


class RateLimited(DomainError):
    code = "rate_limited"
    status = 429


# 500 ---------------------------------------------------------------------------------------------
class BackupFailed(DomainError):
    """pg_dump or pg_restore (`dyno backup`, `dyno restore`) failed; `details` has its output."""

    code = "backup_failed"
    status = 500


# 503 ---------------------------------------------------------------------------------------------
class ServiceUnavailable(DomainError):
    """A dependency is down or does not answer in time; answered with `Retry-After`."""

    code = "service_unavailable"
    status = 503


class DatabaseUnavailable(ServiceUnavailable):
    code = "database_unavailable"


class ProviderNotInstalled(DomainError):
    """The configured model's LangChain package (an optional extra, e.g. `[openai]`) is missing."""

    code = "provider_not_installed"
    status = 503


# The body of every error response, for the OpenAPI document ------------------------------------
class ErrorBody(BaseModel):
    error: str = Field(description="A stable code, e.g. `validation_error`, `no_capacity`.")
    message: str = Field(description="What went wrong, for people.")
    details: dict[str, Any] = Field(description="Structured facts, e.g. the invalid fields.")


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in, or the token is invalid or expired."},
    403: {"model": ErrorBody, "description": "The user's role does not allow this."},
    404: {"model": ErrorBody, "description": "No such resource (or not yours)."},
    409: {"model": ErrorBody, "description": "Refused: conflicts with existing data or state."},
    422: {"model": ErrorBody, "description": "Invalid input; `details.errors` lists the fields."},
    503: {
        "model": ErrorBody,
        "description": "The database is down or not answering; `Retry-After` says when to retry.",
    },
}


# Rendering ---------------------------------------------------------------------------------------
_VALUE_ERROR = "Value error, "  # pydantic's prefix for a ValueError raised in a validator


def strip_value_error(message: str) -> str:
    """A validator's message without pydantic's `Value error, ` prefix."""
    return message.removeprefix(_VALUE_ERROR)


def install_handlers(app: FastAPI) -> None:
    """Render every error as `{"error", "message", "details"}`; anything unexpected is a 500."""
    from fastapi.encoders import jsonable_encoder
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import JSONResponse
    from starlette.exceptions import HTTPException as StarletteHTTPException

    from dyno_agent.db.errors import (  # imports us
        UNREACHABLE_ERRORS,
        sqlstate,
        translate,
        unavailable,
    )
    from dyno_agent.observability.requests import HEADER as REQUEST_ID_HEADER
    from dyno_agent.observability.requests import request_id_of

    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        if isinstance(exc, RateLimited) and "retry_after_seconds" in exc.details:
            headers = {"Retry-After": str(exc.details["retry_after_seconds"])}
        if isinstance(exc, ServiceUnavailable):
            seconds = request.app.state.settings.db_retry_after_s
            exc.details.setdefault("retry_after_seconds", seconds)
            headers = {"Retry-After": str(exc.details["retry_after_seconds"])}
        return JSONResponse(exc.to_dict(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                "field": ".".join(str(p) for p in err["loc"] if p != "body"),
                "message": strip_value_error(err["msg"]),
                "type": err["type"],
            }
            for err in exc.errors()
        ]
        summary = "; ".join(f"{e['field'] or 'body'}: {e['message']}" for e in errors[:5])
        body = {"error": "validation_error", "message": summary, "details": {"errors": errors}}
        return JSONResponse(jsonable_encoder(body), status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        body = {"error": code, "message": str(exc.detail), "details": {}}
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        domain = unavailable(exc) or translate(exc)
        if domain is None:
            log.exception("database error", exc_info=exc)
            body = {"error": "internal_error", "message": "Database error.", "details": {}}
            return JSONResponse(body, status_code=500)
        log.info("sql error", extra={"sqlstate": sqlstate(exc), "error": domain.code})
        return await _domain(request, domain)

    async def _unreachable(request: Request, exc: Exception) -> JSONResponse:
        """Failures outside SQLAlchemy's DBAPIError that mean the database cannot be reached: the
        pool's timeout, the checkpointer's psycopg errors, sockets and client-side timeouts."""
        domain = unavailable(exc)
        if domain is None:
            return await _unexpected(request, exc)
        return await _domain(request, domain)

    for error_class in UNREACHABLE_ERRORS:
        app.add_exception_handler(error_class, _unreachable)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        body = {"error": "internal_error", "message": "Internal server error.", "details": {}}
        # Rendered outside the request-id middleware (by Starlette's outermost one): add it here.
        request_id = request_id_of(request)
        headers = {REQUEST_ID_HEADER: request_id} if request_id else None
        return JSONResponse(body, status_code=500, headers=headers)
