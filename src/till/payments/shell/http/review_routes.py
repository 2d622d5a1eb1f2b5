"""The fraud review queue (API.md): `GET /v1/reviews` (admin) lists the
payments screening held, oldest first; `POST /v1/reviews/{id}/approve` and
`/reject` (admin + MFA) decide one and answer with the payment as it is then
(approved: processed like its confirmation; rejected: canceled)."""

import orjson
from fastapi import APIRouter, Request
from starlette.responses import Response

from till.payments.core.views import payment_view, review_view
from till.payments.shell.http.dependencies import CurrentCaller
from till.payments.shell.http.schemas import PaymentOut, ReviewOut
from till.payments.shell.orchestrators.review_desk import ReviewDesk
from till.platform.openapi import problems
from till.platform.pagination import Limit, StartingAfter
from till.platform.schemas import ListOf

router = APIRouter(tags=["reviews"])


def _desk(request: Request) -> ReviewDesk:
    desk: ReviewDesk = request.app.state.review_desk
    return desk


def _json(body: object) -> Response:
    return Response(orjson.dumps(body), media_type="application/json")


@router.get(
    "/v1/reviews",
    response_model=ListOf[ReviewOut],
    responses=problems(forbidden={"detail": "only an admin may list reviews"}),
)
async def list_reviews(
    request: Request,
    caller: CurrentCaller,
    limit: Limit = 20,
    starting_after: StartingAfter = None,
) -> Response:
    """Open reviews: `{id: "rev_…", object: "review", payment_id, open, reason,
    amount, currency, customer_id, risk: {score, level, reasons}, created_at}`;
    `starting_after` is a review id."""
    found, more = await _desk(request).open_reviews(caller, limit, starting_after)
    data = [review_view(payment) for payment in found]
    return _json({"object": "list", "data": data, "has_more": more})


@router.post(
    "/v1/reviews/{review_id}/approve",
    response_model=PaymentOut,
    responses=problems(
        mfa_required={"detail": "approve a review needs a recent MFA check"},
        invalid_state={"detail": "cannot approve when status is canceled"},
    ),
)
async def approve_review(
    request: Request, review_id: str, caller: CurrentCaller
) -> Response:
    """The payment goes on to the processor; the answer is the payment after."""
    return _json(payment_view(await _desk(request).approve(caller, review_id)))


@router.post(
    "/v1/reviews/{review_id}/reject",
    response_model=PaymentOut,
    responses=problems(
        mfa_required={"detail": "reject a review needs a recent MFA check"},
        invalid_state={"detail": "cannot reject when status is completed"},
    ),
)
async def reject_review(
    request: Request, review_id: str, caller: CurrentCaller
) -> Response:
    """The payment is canceled (nothing was charged)."""
    return _json(payment_view(await _desk(request).reject(caller, review_id)))
