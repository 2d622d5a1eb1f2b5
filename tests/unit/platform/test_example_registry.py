"""Examples keep their nulls and key order through FastAPI's encoding of the
OpenAPI document, which drops every null (fastapi/fastapi#5559)."""

from fastapi.encoders import jsonable_encoder

from till.platform.example_registry import keep, restore


def _as_fastapi_writes(document: dict) -> dict:
    encoded: dict = jsonable_encoder(document, exclude_none=True)
    return encoded


def test_a_registered_example_gets_its_nulls_back_in_the_order_written():
    written = keep(
        {"id": "pay_1", "failure": None, "amount": 5, "risk": {"score": None}}
    )
    document = _as_fastapi_writes(
        {
            "components": {
                "schemas": {"X": {"examples": [dict(sorted(written.items()))]}}
            }
        }
    )
    assert document["components"]["schemas"]["X"]["examples"] == [
        {"amount": 5, "id": "pay_1", "risk": {}}
    ]
    restore(document)
    restored = document["components"]["schemas"]["X"]["examples"][0]
    assert restored == written and list(restored) == ["id", "failure", "amount", "risk"]


def test_media_type_and_named_examples_are_restored_too():
    single = keep({"payment_id": None, "status": "pending_payment"})
    named = keep({"code": "card_declined", "param": None, "request_id": "r1"})
    document = _as_fastapi_writes(
        {
            "content": {
                "application/json": {"example": single},
                "application/problem+json": {"examples": {"d": {"value": named}}},
            }
        }
    )
    restore(document)
    assert document["content"]["application/json"]["example"] == single
    restored = document["content"]["application/problem+json"]["examples"]["d"]
    assert restored["value"] == named


def test_two_examples_that_strip_alike_are_left_as_fastapi_wrote_them():
    keep({"ambiguous": 1, "a": None})
    keep({"ambiguous": 1, "b": None})
    document = _as_fastapi_writes({"example": {"ambiguous": 1, "a": None}})
    restore(document)
    assert document["example"] == {"ambiguous": 1}


def test_an_unregistered_example_is_left_alone():
    document = {"example": {"never": "registered"}}
    restore(document)
    assert document == {"example": {"never": "registered"}}
