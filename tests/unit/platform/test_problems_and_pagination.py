from dataclasses import dataclass

import orjson
import pytest

from till.kernel.errors import ValidationFailed
from till.platform.pagination import page
from till.platform.problems import problem_body, problem_response


def test_problem_body_has_the_rfc_9457_members_and_our_code():
    body = problem_body(404, "not_found", "no such user", None, "req_1")
    assert body == {
        "type": "https://till.dev/errors/not_found",
        "title": "Not found",
        "status": 404,
        "detail": "no such user",
        "code": "not_found",
        "request_id": "req_1",
    }


def test_problem_body_names_the_param_only_when_given():
    with_param = problem_body(400, "validation_error", "bad", "email", None)
    without_param = problem_body(400, "validation_error", "bad", None, None)
    assert with_param["param"] == "email"
    assert "param" not in without_param


def test_problem_title_for_an_unlisted_code_is_derived_from_the_code():
    body = problem_body(409, "card_already_attached", "x", None, None)
    assert body["title"] == "Card already attached"
    assert body["type"] == "https://till.dev/errors/card_already_attached"


def test_problem_response_is_problem_json_with_the_status_and_headers():
    response = problem_response(
        429, "rate_limited", "slow down", request_id="r", headers={"retry-after": "30"}
    )
    assert response.status_code == 429
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["retry-after"] == "30"
    assert orjson.loads(response.body)["title"] == "Too many requests"


@dataclass(frozen=True)
class Item:
    id: str


ITEMS = [Item(f"it_{n}") for n in range(5, 0, -1)]  # newest first


def ids(items: list[Item]) -> list[str]:
    return [item.id for item in items]


def test_first_page_takes_limit_items_and_says_there_are_more():
    chunk, has_more = page(ITEMS, lambda i: i.id, 2, None)
    assert (ids(chunk), has_more) == (["it_5", "it_4"], True)


def test_page_continues_after_the_cursor():
    chunk, has_more = page(ITEMS, lambda i: i.id, 2, "it_4")
    assert (ids(chunk), has_more) == (["it_3", "it_2"], True)


def test_last_page_says_there_are_no_more():
    chunk, has_more = page(ITEMS, lambda i: i.id, 2, "it_2")
    assert (ids(chunk), has_more) == (["it_1"], False)


def test_page_that_ends_exactly_at_the_last_item_has_no_more():
    chunk, has_more = page(ITEMS, lambda i: i.id, 5, None)
    assert (len(chunk), has_more) == (5, False)


def test_cursor_on_the_last_item_gives_an_empty_page():
    assert page(ITEMS, lambda i: i.id, 10, "it_1") == ([], False)


def test_empty_list_gives_an_empty_page():
    assert page([], lambda i: i.id, 10, None) == ([], False)


def test_unknown_cursor_is_a_validation_error_on_starting_after():
    # ValidationFailed maps to 422 validation_error, as the Conventions pair them
    with pytest.raises(ValidationFailed) as caught:
        page(ITEMS, lambda i: i.id, 2, "it_404")
    assert (caught.value.code, caught.value.param) == (
        "validation_error",
        "starting_after",
    )
