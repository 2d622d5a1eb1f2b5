"""The OpenAPI document has an example for every operation (issue 6), and every
example holds to the schema beside it, checked with JSON Schema 2020-12 (the
dialect of OpenAPI 3.1) with `$ref`s resolved against the document: an example
cannot drift from its model. The document is built once, from the real app,
without starting it (no I/O)."""

import copy
import re
from datetime import datetime
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from till.app import create_app
from till.kernel.ids import is_id_of

SPEC = create_app().openapi()
OPERATIONS = {
    f"{method.upper()} {path}": operation
    for path, methods in SPEC["paths"].items()
    for method, operation in methods.items()
}
PROBLEM_JSON = "application/problem+json"
BASE = "urn:till:openapi"


def _strict(document: dict[str, Any]) -> dict[str, Any]:
    """The document with every response object closed and complete: an example
    may not carry a field its model lacks nor leave one out, but for a field
    whose default is null (the API leaves it out when it has no value; FastAPI
    drops null defaults from the document, so such a field is one that is not
    required and has no default left).
    Request bodies are closed already (unknown fields → 422) and keep their
    optional fields; problem details stay open (RFC 9457 extension members)."""
    closed = copy.deepcopy(document)
    for schema in closed["components"]["schemas"].values():
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False
            required = set(schema.get("required", []))
            schema["required"] = [
                name
                for name, field in schema["properties"].items()
                if name in required or field.get("default") is not None
            ]
    return closed


STRICT = _strict(SPEC)
REGISTRY: Registry[Any] = Registry().with_resource(
    BASE, Resource.from_contents(STRICT, default_specification=DRAFT202012)
)


def _validator(pointer: str) -> Draft202012Validator:
    return Draft202012Validator({"$ref": f"{BASE}#{pointer}"}, registry=REGISTRY)


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


def _media_examples(media: dict[str, Any]) -> list[Any]:
    if "example" in media:
        return [media["example"]]
    return [e["value"] for e in media.get("examples", {}).values()]


def _bodies(name: str) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """(place in the document, media type object) of each body the operation
    takes or answers with on success, in any media type."""
    method, path = name.split(" ", 1)
    operation = OPERATIONS[name]
    places = [("requestBody",)] if "requestBody" in operation else []
    places += [("responses", s) for s in operation["responses"] if s[0] == "2"]
    found = []
    for place in places:
        body = OPERATIONS[name]
        for part in place:
            body = body[part]
        for media_type, media in body.get("content", {}).items():
            where = ("paths", path, method.lower(), *place, "content", media_type)
            found.append((where, media))
    return found


WITH_BODIES = sorted(name for name in OPERATIONS if _bodies(name))
WITH_REQUEST_BODY = [name for name in OPERATIONS if "requestBody" in OPERATIONS[name]]


def test_the_checks_below_see_the_whole_document():
    assert len(OPERATIONS) >= 54
    assert len(WITH_REQUEST_BODY) >= 17 and len(WITH_BODIES) >= 50


@pytest.mark.parametrize("name", WITH_BODIES)
def test_operation_shows_a_valid_example_of_each_body(name):
    for where, media in _bodies(name):
        examples = _media_examples(media)
        assert examples, where
        validator = _validator(_pointer(*where, "schema"))
        for example in examples:
            errors = [e.message for e in validator.iter_errors(example)]
            assert not errors, (where, errors)


WITH_EXAMPLES = [
    name
    for name, schema in SPEC["components"]["schemas"].items()
    if "examples" in schema
]


@pytest.mark.parametrize("name", WITH_EXAMPLES)
def test_every_example_of_a_model_holds_to_it(name):
    validator = _validator(_pointer("components", "schemas", name))
    for example in SPEC["components"]["schemas"][name]["examples"]:
        errors = [e.message for e in validator.iter_errors(example)]
        assert not errors, errors


def _problems(name: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(response key, example name, example) of the operation's errors."""
    found = []
    for status, response in OPERATIONS[name]["responses"].items():
        content = response.get("content", {})
        if status[0] in "45":
            assert list(content) == [PROBLEM_JSON], (name, status)
            for key, example in content[PROBLEM_JSON].get("examples", {}).items():
                found.append((status, key, example["value"]))
    return found


PROBLEM = _validator(_pointer("components", "schemas", "Problem"))


# Any id is accepted there: a PUT that creates, an idempotent erasure.
ANY_ID = {
    "PUT /v1/admin/flags/{key}",
    "DELETE /v1/customers/{customer_id}/personal-data",
}


def _shape_codes(name: str) -> set[str]:
    """The errors every operation of this shape can answer."""
    operation = OPERATIONS[name]
    params = {(p["in"], p["name"]) for p in operation.get("parameters", [])}
    wanted = {"internal_error"}
    if operation.get("security"):
        wanted.add("unauthenticated")
    if any(where == "path" for where, _ in params) and name not in ANY_ID:
        wanted.add("not_found")
    if ("header", "Idempotency-Key") in params:
        wanted |= {"idempotency_key_missing", "idempotency_key_reused"}
        wanted.add("idempotency_key_in_use")
    if "requestBody" in operation:
        wanted |= {"validation_error", "malformed_json"}
    return wanted


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_error_examples_are_problem_details_under_their_status(name):
    found = _problems(name)
    codes = {key for _, key, _ in found}
    assert _shape_codes(name) <= codes
    assert name not in ANY_ID or "not_found" not in codes
    assert not any(key.startswith("x-") for key in OPERATIONS[name])
    for status, key, problem in found:
        assert not list(PROBLEM.iter_errors(problem)), (status, key)
        assert problem["code"] == key
        assert problem["type"].endswith("/errors/" + key)
        assert re.fullmatch(status.replace("X", "."), str(problem["status"]))


def test_an_error_declared_by_a_route_keeps_its_own_detail():
    confirm = OPERATIONS["POST /v1/payments/{payment_id}/confirm"]["responses"]
    declined = confirm["402"]["content"][PROBLEM_JSON]["examples"]["card_declined"]
    payment = declined["value"]["payment"]
    # nulls survive FastAPI's encoding of the document (fastapi#5559)
    assert payment["failure"] == {"code": "card_declined", "message": None}
    login = OPERATIONS["POST /v1/auth/login"]["responses"]
    assert "invalid_credentials" in login["401"]["content"][PROBLEM_JSON]["examples"]


# What each id-bearing field holds (kernel/ids.py prefixes, API.md).
_ID_PREFIXES = {
    "customer_id": "usr",
    "payment_id": "pay",
    "payment_method": "pm",
    "order_id": "ord",
    "session_id": "ses",
    "event_id": "evt",
    "sid": "ses",
}
_OBJECT_PREFIXES = {
    "user": "usr",
    "session": "ses",
    "api_key": "key",  # pragma: allowlist secret
    "payment_method": "pm",
    "payment": "pay",
    "refund": "re",
    "review": "rev",
    "order": "ord",
    "webhook_endpoint": "we",
    "webhook_delivery": "whd",
    "reconciliation": "rpt",
}


def _all_examples() -> list[Any]:
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "example" in node:
                found.append(node["example"])
            examples = node.get("examples")
            if isinstance(examples, list):
                found.extend(examples)
            elif isinstance(examples, dict):
                found.extend(e.get("value") for e in examples.values())
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(SPEC)
    return found


def _fields(node: Any) -> list[tuple[dict[str, Any], str, Any]]:
    """(object, key, value) of every field of every object inside `node`."""
    if isinstance(node, list):
        return [found for value in node for found in _fields(value)]
    if not isinstance(node, dict):
        return []
    return [(node, k, v) for k, v in node.items()] + _fields(list(node.values()))


EXAMPLE_FIELDS = _fields(_all_examples())


def test_example_ids_are_till_ids_of_the_right_kind():
    checked = 0
    for owner, key, value in EXAMPLE_FIELDS:
        kind = _ID_PREFIXES.get(key)
        if key == "id" and owner.get("object") in _OBJECT_PREFIXES:
            kind = _OBJECT_PREFIXES[owner["object"]]
        if kind is not None and isinstance(value, str):
            assert is_id_of(kind, value), (key, value)
            checked += 1
    assert checked > 50


def test_example_amounts_are_integers_of_minor_units_in_lowercase_currencies():
    amounts = [
        v
        for _, k, v in EXAMPLE_FIELDS
        if k in {"amount", "unit_amount", "total"} and not isinstance(v, dict)
    ]
    currencies = [v for _, k, v in EXAMPLE_FIELDS if k == "currency"]
    assert amounts and all(type(a) is int and a >= 0 for a in amounts)
    assert currencies and all(re.fullmatch("[a-z]{3}", c) for c in currencies)


def test_example_timestamps_are_rfc_3339_in_utc():
    stamps = [
        v
        for _, k, v in EXAMPLE_FIELDS
        if isinstance(v, str) and (k.endswith("_at") or k in {"at", "start", "end"})
    ]
    assert len(stamps) > 20
    for stamp in stamps:
        parsed = datetime.fromisoformat(stamp)
        assert parsed.utcoffset() is not None and not parsed.utcoffset(), stamp
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|\+00:00)", stamp)
