"""The OpenAPI document describes the error responses the API really sends."""

from __future__ import annotations

from typing import Any

from dyno_agent.app import create_app
from dyno_agent.config import Settings


def document(settings: Settings) -> dict[str, Any]:
    return create_app(settings).openapi()


def test_every_api_operation_documents_its_errors_with_the_real_body(settings: Settings):
    spec = document(settings)
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    missing = []
    for path, item in spec["paths"].items():
        if not path.startswith("/api/v1"):
            continue
        for method, operation in item.items():
            for status in ("401", "403", "404", "409", "422"):
                response = operation["responses"].get(status, {})
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema != error_ref:
                    missing.append(f"{method.upper()} {path} {status}")
    assert missing == []
    body = spec["components"]["schemas"]["ErrorBody"]
    assert set(body["required"]) == {"error", "message", "details"}


def test_fastapis_validation_error_schema_is_gone(settings: Settings):
    schemas = document(settings)["components"]["schemas"]
    assert "HTTPValidationError" not in schemas and "ValidationError" not in schemas


def test_dates_are_documented_as_iso_days_within_the_range(settings: Settings):
    spec = document(settings)
    params = spec["paths"]["/api/v1/availability"]["get"]["parameters"]
    start = next(p for p in params if p["name"] == "start_date")
    assert start["schema"]["format"] == "date"
    assert "2000-01-01" in start["schema"]["description"]
