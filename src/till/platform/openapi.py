"""The OpenAPI document: errors described as problem+json (RFC 9457), not as
FastAPI's default `HTTPValidationError`, which our API never sends; and an
example for every operation.

Examples come from three places. Bodies: each model's own `examples` (see
`till.platform.schemas`), lifted onto the operation's media type so every
request body and success response shows one. Errors an operation has because
of its shape are added after generation (`till.platform.openapi_examples`).
Errors particular to an operation are declared on its route with
`responses=problems(...)`."""

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field

from till.platform.example_registry import restore
from till.platform.openapi_examples import (
    ANY_ID,
    JSON,
    PROBLEM_JSON,
    add_shape_problems,
    lift_examples,
    operations,
)
from till.platform.problem_examples import problem_example, problem_status

__all__ = ["ANY_ID", "PROBLEM_RESPONSES", "Problem", "install_openapi", "problems"]


class Problem(BaseModel):
    """An error (RFC 9457 problem details). `code` is stable; `param` names the
    input at fault when there is one. Some errors add members (a declined
    confirmation carries the `payment`)."""

    model_config = ConfigDict(
        extra="allow",
        json_schema_extra={
            "examples": [
                problem_example(
                    "validation_error",
                    "password must have at least 12 characters",
                    "password",
                )["value"]
            ]
        },
    )

    type: str
    title: str
    status: int
    detail: str
    code: str
    param: str | None = None
    request_id: str | None = Field(description="The request's `X-Request-Id`.")


PROBLEM_RESPONSES: dict[int | str, dict[str, Any]] = {
    "4XX": {"model": Problem, "description": "Client error (problem details)"},
    "5XX": {"model": Problem, "description": "Server error (problem details)"},
}


def problems(*codes: str, **custom: Mapping[str, Any]) -> dict[int | str, Any]:
    """FastAPI `responses=` for the errors particular to an operation: one
    response per status, an example per code. `custom[code]` gives that
    example its own `detail`, `param` or extra members."""
    found: dict[int | str, Any] = {}
    for code in (*codes, *custom):
        status = problem_status(code)
        example = problem_example(code, **custom.get(code, {}))
        entry = found.setdefault(
            status,
            {"model": Problem, "content": {JSON: {"examples": {}}}},
        )
        entry["content"][JSON]["examples"][code] = example
        summaries = [e["summary"] for e in entry["content"][JSON]["examples"].values()]
        entry["description"] = "; ".join(summaries)
    return found


def _problem_media_type(schema: dict[str, Any]) -> None:
    for operation in operations(schema):
        for status, response in operation.get("responses", {}).items():
            content = response.get("content", {})
            if status[:1] not in "45" or not content:
                continue
            # FastAPI files errors under the route's media type (text/plain
            # for /metrics): every error is problem+json
            moved: dict[str, Any] = {}
            for media_type in [m for m in content if m != PROBLEM_JSON]:
                moved |= content.pop(media_type)
            content[PROBLEM_JSON] = moved | content.get(PROBLEM_JSON, {})


def install_openapi(app: FastAPI) -> None:
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            restore(schema)
            _problem_media_type(schema)
            add_shape_problems(schema)
            lift_examples(schema)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
