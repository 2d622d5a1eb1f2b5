"""`POST /v1/gateways/stripe/webhook`: Stripe's word on payments it finished
later. Authenticated by `Stripe-Signature` only (no bearer); a bad or stale
signature is 400 and changes nothing."""

from typing import Annotated, Any

from fastapi import APIRouter, Header, Request

from till.payments.shell.http.webhook_schemas import ProcessorEventReceived
from till.platform.openapi import problems

router = APIRouter(tags=["gateways"])


@router.post(
    "/v1/gateways/stripe/webhook",
    response_model=None,  # documented below; the dict is sent as it is
    responses={200: {"model": ProcessorEventReceived}, **problems("invalid_signature")},
)
async def stripe_webhook(
    request: Request,
    stripe_signature: Annotated[str | None, Header(alias="Stripe-Signature")] = None,
) -> dict[str, Any]:
    events = request.app.state.processor_events
    await events.receive_stripe(await request.body(), stripe_signature)
    return {"received": True}
