"""Webhook endpoints (admin + MFA to change them, admins to list them). The
secret is shown when the endpoint is made and when it is rotated, never after."""

from typing import Any

from fastapi import APIRouter, Request, Response, status
from pydantic import Field

from till.payments.core.views import rfc3339
from till.payments.core.webhook_endpoints import WebhookEndpoint
from till.payments.shell.http import schema_examples as ex
from till.payments.shell.http.dependencies import CurrentCaller
from till.payments.shell.http.webhook_schemas import (
    DeliveryQueuedOut,
    WebhookDeliveryOut,
)
from till.platform.openapi import problems
from till.platform.pagination import Limit
from till.platform.schemas import ListOf, StrictRequest, examples
from till.platform.schemas import Response as ResponseModel

router = APIRouter(tags=["webhooks"])


class WebhookEndpointRequest(StrictRequest):
    model_config = examples(ex.NEW_ENDPOINT)

    url: str = Field(max_length=2048, examples=["https://shop.example/hooks/till"])
    events: list[str] = Field(max_length=30, examples=[["payment.completed"]])
    description: str | None = Field(default=None, max_length=500)


class WebhookEndpointOut(ResponseModel):
    model_config = examples(ex.ENDPOINT)

    id: str
    object: str = "webhook_endpoint"
    url: str
    events: list[str]
    description: str | None
    created_at: str
    disabled: bool


class WebhookEndpointWithSecretOut(WebhookEndpointOut):
    model_config = examples(ex.ENDPOINT | {"secret": ex.WEBHOOK_SECRET})

    secret: str


def endpoint_out(endpoint: WebhookEndpoint, with_secret: bool) -> dict[str, Any]:
    shown = {
        "id": endpoint.id,
        "object": "webhook_endpoint",
        "url": endpoint.url,
        "events": list(endpoint.events),
        "description": endpoint.description,
        "created_at": rfc3339(endpoint.created_at),
        "disabled": endpoint.disabled_at is not None,
    }
    return shown | {"secret": endpoint.secret} if with_secret else shown


def _commands(request: Request) -> Any:
    return request.app.state.webhook_endpoints


@router.post(
    "/v1/webhook-endpoints",
    status_code=status.HTTP_201_CREATED,
    response_model=WebhookEndpointWithSecretOut,
    responses=problems(
        mfa_required={"detail": "add a webhook endpoint needs a recent MFA check"},
        validation_error={
            "detail": "url must be an http(s) URL with a host",
            "param": "url",
        },
    ),
)
async def create_webhook_endpoint(
    request: Request, body: WebhookEndpointRequest, caller: CurrentCaller
) -> dict[str, Any]:
    """Admin + MFA. `secret` (`whsec_…`) is shown now only."""
    endpoint = await _commands(request).create(
        caller, body.url, body.events, body.description
    )
    return endpoint_out(endpoint, with_secret=True)


@router.get(
    "/v1/webhook-endpoints",
    response_model=ListOf[WebhookEndpointOut],
    responses=problems(
        forbidden={"detail": "only an admin may list webhook endpoints"}
    ),
)
async def list_webhook_endpoints(
    request: Request, caller: CurrentCaller
) -> dict[str, Any]:
    endpoints = await _commands(request).list(caller)
    data = [endpoint_out(e, with_secret=False) for e in endpoints]
    return {"object": "list", "data": data, "has_more": False}


@router.post(
    "/v1/webhook-endpoints/{endpoint_id}/rotate-secret",
    response_model=WebhookEndpointWithSecretOut,
    responses=problems(
        mfa_required={"detail": "rotate a webhook secret needs a recent MFA check"}
    ),
)
async def rotate_webhook_secret(
    request: Request, endpoint_id: str, caller: CurrentCaller
) -> dict[str, Any]:
    """A new secret; the old one keeps signing for 24 h as well."""
    endpoint = await _commands(request).rotate_secret(caller, endpoint_id)
    return endpoint_out(endpoint, with_secret=True)


@router.delete(
    "/v1/webhook-endpoints/{endpoint_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=problems(
        mfa_required={"detail": "delete a webhook endpoint needs a recent MFA check"}
    ),
)
async def delete_webhook_endpoint(
    request: Request, endpoint_id: str, caller: CurrentCaller
) -> Response:
    await _commands(request).delete(caller, endpoint_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/v1/webhook-endpoints/{endpoint_id}/deliveries",
    response_model=None,  # documented below; the dict is sent as it is
    responses={
        200: {"model": ListOf[WebhookDeliveryOut]},
        **problems(forbidden={"detail": "only an admin may read webhook deliveries"}),
    },
)
async def list_webhook_deliveries(
    request: Request, endpoint_id: str, caller: CurrentCaller, limit: Limit = 20
) -> dict[str, Any]:
    """Admins: each delivery with its attempts (status code, latency, first
    KiB of the answer) and its next retry."""
    found = await request.app.state.webhook_deliveries.of_endpoint(
        caller, endpoint_id, limit
    )
    data = [_delivery_out(d) for d in found]
    return {"object": "list", "data": data, "has_more": False}


@router.post(
    "/v1/webhook-deliveries/{delivery_id}/retry",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=None,  # documented below; the dict is sent as it is
    responses={
        202: {"model": DeliveryQueuedOut},
        **problems(forbidden={"detail": "only an admin may retry a webhook delivery"}),
    },
)
async def retry_webhook_delivery(
    request: Request, delivery_id: str, caller: CurrentCaller
) -> dict[str, Any]:
    """Admins: the delivery is sent again at once (202: it is queued)."""
    await request.app.state.webhook_deliveries.retry(caller, delivery_id)
    return {"id": delivery_id, "object": "webhook_delivery", "status": "pending"}


def _delivery_out(row: dict[str, Any]) -> dict[str, Any]:
    def stamp(value: Any) -> str | None:
        return None if value is None else rfc3339(value)

    return {
        "id": row["id"],
        "object": "webhook_delivery",
        "event_id": row["event_id"],
        "event_type": row["event_type"],
        "status": row["status"],
        "attempts": row["attempts_made"],
        "next_attempt_at": stamp(row["next_attempt_at"])
        if row["status"] == "pending"
        else None,
        "created_at": stamp(row["created_at"]),
    }
