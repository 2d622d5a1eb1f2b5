"""Comparing a live answer with a golden, and the golden files themselves."""

from pathlib import Path

from tests.integration.legacy.characterization import (
    differences,
    golden_names,
    load_golden,
    save_golden,
)


def test_equal_values_have_no_differences() -> None:
    value = {"status": 201, "body": {"items": [{"qty": 1}], "deleted_at": None}}
    assert differences(value, value) == []


def test_a_changed_value_is_reported_with_its_path() -> None:
    expected = {"body": {"items": [{"price": "1.0000"}]}}
    actual = {"body": {"items": [{"price": "1.00"}]}}
    assert differences(expected, actual) == [
        "$.body.items[0].price: '1.00', expected '1.0000'"
    ]


def test_missing_and_unexpected_keys_are_reported() -> None:
    found = differences({"a": 1, "b": 2}, {"a": 1, "c": 3})
    assert found == ["$.b: missing (expected 2)", "$.c: unexpected 3"]


def test_lists_of_another_length_are_reported_once() -> None:
    assert differences([1, 2], [1]) == ["$: 1 entries, expected 2"]


def test_a_number_is_not_its_string_nor_a_boolean() -> None:
    assert differences({"qty": 1}, {"qty": "1"}) == ["$.qty: '1', expected 1"]
    assert differences({"active": True}, {"active": 1}) == [
        "$.active: 1, expected True"
    ]


def test_goldens_round_trip_through_their_files(tmp_path: Path) -> None:
    golden = {"scenario": "café", "outcome": "x", "steps": [{"step": "créer"}]}
    path = save_golden(golden, tmp_path)
    assert path.name == "café.json"
    assert "créer" in path.read_text()  # readable, not \u-escaped
    assert load_golden("café", tmp_path) == golden
    assert golden_names(tmp_path) == {"café"}


def test_the_shipped_goldens_cover_every_operation() -> None:
    names = golden_names()
    for operation in ("create_order", "get_order", "list_orders", "cancel_order"):
        assert operation in names
    for name in names:
        steps = load_golden(name)["steps"]
        assert steps, name
        assert all({"step", "request", "response"} <= step.keys() for step in steps)
