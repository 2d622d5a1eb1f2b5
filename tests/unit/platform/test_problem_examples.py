"""The OpenAPI document's error examples say what the API really answers: the
catalogue's status, code, detail and param match the errors the code raises."""

import pytest

from till.identity.core.errors import InvalidCredentials, TokenExpired
from till.identity.shell.http.error_statuses import IDENTITY_ERROR_STATUS
from till.kernel.errors import DomainError, InvalidState
from till.payments.core.gateway import GatewayUnavailable
from till.payments.shell.http.error_statuses import PAYMENTS_ERROR_STATUS
from till.platform.idempotency import (
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    require_key,
)
from till.platform.problem_examples import REQUEST_ID, problem_example
from till.platform.problems import ProblemError, problem_body

STATUS = {**IDENTITY_ERROR_STATUS, **PAYMENTS_ERROR_STATUS}


def _missing_key() -> ProblemError:
    with pytest.raises(ProblemError) as raised:
        require_key(None)
    return raised.value


@pytest.mark.parametrize(
    "make", [_missing_key, IdempotencyKeyReused, IdempotencyKeyInUse]
)
def test_idempotency_examples_are_the_real_answers(make):
    error = make()
    real = problem_body(error.status, error.code, error.detail, error.param, REQUEST_ID)
    assert problem_example(error.code)["value"] == real


@pytest.mark.parametrize(
    "error",
    [
        InvalidCredentials(),
        TokenExpired(),
        GatewayUnavailable(),
        InvalidState(state="completed", action="cancel"),
    ],
)
def test_domain_error_examples_are_the_real_answers(error: DomainError):
    status = next(STATUS[c] for c in type(error).__mro__ if c in STATUS)
    real = problem_body(status, error.code, error.message, error.param, REQUEST_ID)
    assert problem_example(error.code)["value"] == real


def test_an_operation_may_say_it_better_and_add_members():
    example = problem_example(
        "not_found", "no such order", "order_id", order={"id": "ord_1"}
    )
    assert example["value"]["detail"] == "no such order"
    assert example["value"]["param"] == "order_id"
    assert example["value"]["order"] == {"id": "ord_1"}
    assert example["summary"]
