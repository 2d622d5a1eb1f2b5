"""The examples the OpenAPI document gets after FastAPI has generated it: the
errors each operation can answer because of its shape, and each JSON body's
example lifted from its schema onto the operation."""

from typing import Any

from till.platform.problem_examples import problem_example, problem_status

PROBLEM_JSON = "application/problem+json"
JSON = "application/json"
# An operation that answers the same for any id in its path (a PUT that
# creates, an erasure that is idempotent) says so with `openapi_extra=ANY_ID`:
# it gets no `not_found` example. The marker leaves the document.
ANY_ID_MARKER = "x-till-any-id"
ANY_ID: dict[str, Any] = {ANY_ID_MARKER: True}

_NOUNS = {
    "key_id": "API key",
    "endpoint_id": "webhook endpoint",
    "delivery_id": "webhook delivery",
    "report_id": "reconciliation",
}
_IDEMPOTENCY = ("idempotency_key_missing", "idempotency_key_reused")


def operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for ops in document.get("paths", {}).values() for op in ops.values()]


def shape_problems(
    operation: dict[str, Any], document: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """The errors an operation can answer because of its shape: any can fail
    unexpectedly; a bearer token can be missing; an id in the path unknown; a
    page size out of range; an `Idempotency-Key` missing, reused with another
    body or still in use; a body not JSON or invalid."""
    found = {"internal_error": problem_example("internal_error")}
    if operation.get("security"):
        found["unauthenticated"] = problem_example("unauthenticated")
    any_id = operation.pop(ANY_ID_MARKER, False)
    for param in operation.get("parameters", []):
        name, where = param["name"], param["in"]
        if where == "path" and not any_id:
            noun = _NOUNS.get(name, name.removesuffix("_id").replace("_", " "))
            found["not_found"] = problem_example("not_found", f"no such {noun}")
        elif where == "query" and name == "limit":
            found["validation_error"] = problem_example(
                "validation_error", "Input should be less than or equal to 100", name
            )
        elif where == "header" and name == "Idempotency-Key":
            for code in (*_IDEMPOTENCY, "idempotency_key_in_use"):
                found[code] = problem_example(code)
    if "requestBody" in operation:
        found["malformed_json"] = problem_example("malformed_json")
        found["validation_error"] = _invalid_body(operation, document)
    return found


def _invalid_body(operation: dict[str, Any], document: dict[str, Any]) -> Any:
    """What pydantic says of a body without its first required field, or of
    one with a field the schema does not know (every request is strict)."""
    body = operation["requestBody"]["content"][JSON]["schema"]
    required = resolve(body, document).get("required", [])
    if required:
        return problem_example("validation_error", "Field required", required[0])
    return problem_example(
        "validation_error", "Extra inputs are not permitted", "unknown_field"
    )


def add_shape_problems(document: dict[str, Any]) -> None:
    """Each example goes under its own status when the operation declares it,
    else under the range (`4XX`, `5XX`); a route's own example of a code wins."""
    for operation in operations(document):
        responses = operation["responses"]
        for code, example in shape_problems(operation, document).items():
            status = str(problem_status(code))
            key = status if status in responses else status[0] + "XX"
            content = responses[key]["content"][PROBLEM_JSON]
            shown = content.setdefault("examples", {})
            if code not in shown and key == status:
                responses[key]["description"] += "; " + example["summary"]
            shown.setdefault(code, example)


def resolve(schema: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    """The schema a `$ref` names; an optional body's `anyOf: [ref, null]` is
    the referenced one."""
    for option in schema.get("anyOf", []):
        if "$ref" in option:
            return resolve(option, document)
    ref = schema.get("$ref", "")
    if ref.startswith("#/components/schemas/"):
        found: dict[str, Any] = document["components"]["schemas"][ref.split("/")[-1]]
        return found
    return schema


def lift_examples(document: dict[str, Any]) -> None:
    """A JSON body without an example of its own shows its schema's first, so
    that every operation carries one where tools look for it."""
    for operation in operations(document):
        bodies = [operation.get("requestBody", {})]
        bodies += [
            response
            for status, response in operation["responses"].items()
            if status.startswith("2")
        ]
        for body in bodies:
            media = body.get("content", {}).get(JSON)
            if media is None or "example" in media or "examples" in media:
                continue
            found = resolve(media.get("schema", {}), document).get("examples")
            if found:
                media["example"] = found[0]
