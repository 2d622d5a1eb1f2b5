"""`DELETE /v1/customers/{id}/personal-data` (admin + MFA): the customer's
personal data becomes unrecoverable by destroying the key it was sealed under
(crypto-shredding); amounts and the audit trail stay."""

from fastapi import APIRouter, Request, status

from till.payments.core.access import require_admin_with_mfa
from till.payments.shell.http.dependencies import CurrentCaller
from till.payments.shell.http.report_schemas import ErasureOut
from till.platform.openapi import ANY_ID, problems

router = APIRouter(tags=["customers"])


@router.delete(
    "/v1/customers/{customer_id}/personal-data",
    status_code=status.HTTP_202_ACCEPTED,
    openapi_extra=ANY_ID,  # erasing is idempotent: an unknown customer too
    response_model=None,  # documented below; the dict is sent as it is
    responses={
        status.HTTP_202_ACCEPTED: {"model": ErasureOut},
        **problems(
            mfa_required={
                "detail": "erase a customer's personal data needs a recent MFA check"
            }
        ),
    },
)
async def erase_personal_data(
    request: Request, customer_id: str, caller: CurrentCaller
) -> dict[str, str]:
    require_admin_with_mfa(caller, "erase a customer's personal data")
    keys = request.app.state.customer_keys
    await keys.shred(customer_id, request.app.state.clock.now())
    return {"customer_id": customer_id, "status": "erased"}
