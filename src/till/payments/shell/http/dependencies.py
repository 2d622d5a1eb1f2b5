"""Who is calling, as payments sees it, and the payments ports for handlers.

The caller comes through `PaymentCallerPort`, a driven port: its adapter (in
the composition root) asks the identity context, so payments never imports
identity."""

from typing import Annotated, Protocol

from fastapi import Depends, Request

from till.payments.core.access import Caller
from till.payments.core.ports import PaymentCommandPort, PaymentQueryPort
from till.platform.bearer import BearerToken
from till.platform.idempotency import IdempotencyStore
from till.platform.rate_limit_http import enforce_rate_limit, per_client_ip


class PaymentCallerPort(Protocol):
    async def caller_for(self, token: str) -> Caller:
        """The caller a bearer token (JWT or `sk_…` key) stands for; raises the
        unauthenticated error when it stands for nobody."""


async def current_caller(request: Request, token: BearerToken) -> Caller:
    port: PaymentCallerPort = request.app.state.payment_callers
    return await port.caller_for(token)


CurrentCaller = Annotated[Caller, Depends(current_caller)]


async def commands(request: Request) -> PaymentCommandPort:
    port: PaymentCommandPort = request.app.state.payment_commands
    return port


async def queries(request: Request) -> PaymentQueryPort:
    port: PaymentQueryPort = request.app.state.payment_queries
    return port


async def idempotency_store(request: Request) -> IdempotencyStore:
    store: IdempotencyStore = request.app.state.idempotency_store
    return store


Commands = Annotated[PaymentCommandPort, Depends(commands)]
Queries = Annotated[PaymentQueryPort, Depends(queries)]
Idempotency = Annotated[IdempotencyStore, Depends(idempotency_store)]


async def payment_command_limits(request: Request, caller: CurrentCaller) -> Caller:
    """Payment commands count against the caller's and the client IP's budgets."""
    await enforce_rate_limit(request, "payments_caller", f"caller:{caller.id}")
    return caller


PaymentIpLimit = Depends(per_client_ip("payments_ip"))
LimitedCaller = Annotated[Caller, Depends(payment_command_limits)]
