"""The OpenAPI document: errors described as problem+json (RFC 9457), not as
FastAPI's default `HTTPValidationError`, which our API never sends."""

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, Field


class Problem(BaseModel):
    """An error (RFC 9457 problem details). `code` is stable; `param` names the
    input at fault when there is one."""

    type: str = Field(examples=["https://till.dev/errors/validation_error"])
    title: str = Field(examples=["Validation error"])
    status: int = Field(examples=[422])
    detail: str = Field(examples=["password must have at least 12 characters"])
    code: str = Field(examples=["validation_error"])
    param: str | None = Field(default=None, examples=["password"])
    request_id: str | None = Field(default=None, examples=["req-example-1"])


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": Problem, "description": "Client error (problem details)"},
    "5XX": {"model": Problem, "description": "Server error (problem details)"},
}


def _problem_media_type(schema: dict[str, Any]) -> None:
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {})
                if status[:1] in "45" and "application/json" in content:
                    content["application/problem+json"] = content.pop(
                        "application/json"
                    )


def install_openapi(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            _problem_media_type(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
