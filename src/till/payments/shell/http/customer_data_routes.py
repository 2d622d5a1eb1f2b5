"""`DELETE /v1/customers/{id}/personal-data` (admin + MFA): the customer's
personal data becomes unrecoverable by destroying the key it was sealed under
(crypto-shredding); amounts and the audit trail stay."""

from fastapi import APIRouter, Request, status

from till.payments.core.access import require_admin_with_mfa
from till.payments.shell.http.dependencies import CurrentCaller

router = APIRouter(tags=["customers"])


@router.delete(
    "/v1/customers/{customer_id}/personal-data",
    status_code=status.HTTP_202_ACCEPTED,
)
async def erase_personal_data(
    request: Request, customer_id: str, caller: CurrentCaller
) -> dict[str, str]:
    require_admin_with_mfa(caller, "erase a customer's personal data")
    keys = request.app.state.customer_keys
    await keys.shred(customer_id, request.app.state.clock.now())
    return {"customer_id": customer_id, "status": "erased"}
