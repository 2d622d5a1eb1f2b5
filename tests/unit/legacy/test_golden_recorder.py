"""The recorder of the characterization scenarios, against an in-memory
transport: what it sends and what it writes into a golden step."""

import json

import httpx

from tests.integration.legacy.characterization import Normaliser
from tests.integration.legacy.scenarios import Recorder

BASE = "http://legacy.test"


def recorder(answer: httpx.Response, seen: list[httpx.Request]) -> Recorder:
    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return answer

    http = httpx.Client(transport=httpx.MockTransport(handler), base_url=BASE)
    return Recorder(http, "t0ken", Normaliser(BASE))


def test_a_step_holds_the_request_and_the_normalised_answer() -> None:
    seen: list[httpx.Request] = []
    order = {"id": 12, "increment_id": "100000012", "created_at": "2026-01-02 03:04:05"}
    rec = recorder(httpx.Response(201, json=order), seen)
    decoded = rec.call("create", "POST", "/api/orders", {"customer_id": 1})
    assert decoded == order  # the caller gets the real id
    assert seen[0].headers["Authorization"] == "Bearer t0ken"
    assert json.loads(seen[0].content) == {"customer_id": 1}
    assert rec.steps == [
        {
            "step": "create",
            "request": {
                "method": "POST",
                "path": "/api/orders",
                "auth": "valid",
                "body": {"customer_id": 1},
            },
            "response": {
                "status": 201,
                "body": {
                    "id": "<order 1>",
                    "increment_id": "<increment_id>",
                    "created_at": "<local datetime>",
                },
            },
        }
    ]


def test_auth_none_sends_no_header_and_wrong_sends_another_token() -> None:
    seen: list[httpx.Request] = []
    rec = recorder(httpx.Response(401, json={"message": "Unauthenticated."}), seen)
    rec.call("none", "GET", "/api/orders", auth="none")
    rec.call("wrong", "GET", "/api/orders", auth="wrong")
    assert "Authorization" not in seen[0].headers
    assert seen[1].headers["Authorization"] == "Bearer not-the-token"
    assert [step["request"]["auth"] for step in rec.steps] == ["none", "wrong"]


def test_a_raw_body_is_sent_as_is_and_recorded_as_raw() -> None:
    seen: list[httpx.Request] = []
    rec = recorder(httpx.Response(422, json={"message": "m", "errors": {}}), seen)
    rec.call("not JSON", "POST", "/api/orders", raw="customer_id=1")
    assert seen[0].content == b"customer_id=1"
    assert rec.steps[0]["request"]["raw_body"] == "customer_id=1"


def test_an_empty_answer_decodes_to_none_and_setup_calls_are_not_recorded() -> None:
    seen: list[httpx.Request] = []
    rec = recorder(httpx.Response(204), seen)
    assert rec.call("delete", "DELETE", "/api/orders/3", record=False) is None
    assert rec.call("delete", "DELETE", "/api/orders/3") is None
    assert len(seen) == 2
    assert rec.steps[0]["response"] == {"status": 204, "body": None}
