"""Who is calling, as orders sees it, and the orders ports for handlers.

The caller comes through `OrderCallerPort`, a driven port whose adapter (in the
composition root) asks the identity context: orders never imports identity."""

from typing import Annotated, Protocol

from fastapi import Depends, Request

from till.orders.core.access import Caller
from till.orders.core.ports import OrderCommandPort, OrderQueryPort
from till.platform.bearer import BearerToken
from till.platform.idempotency import IdempotencyStore


class OrderCallerPort(Protocol):
    async def caller_for(self, token: str) -> Caller:
        """The caller a bearer token stands for; raises the unauthenticated
        error when it stands for nobody."""


async def current_caller(request: Request, token: BearerToken) -> Caller:
    port: OrderCallerPort = request.app.state.order_callers
    return await port.caller_for(token)


async def commands(request: Request) -> OrderCommandPort:
    port: OrderCommandPort = request.app.state.order_commands
    return port


async def queries(request: Request) -> OrderQueryPort:
    port: OrderQueryPort = request.app.state.order_queries
    return port


async def idempotency_store(request: Request) -> IdempotencyStore:
    store: IdempotencyStore = request.app.state.idempotency_store
    return store


CurrentCaller = Annotated[Caller, Depends(current_caller)]
Commands = Annotated[OrderCommandPort, Depends(commands)]
Queries = Annotated[OrderQueryPort, Depends(queries)]
Idempotency = Annotated[IdempotencyStore, Depends(idempotency_store)]
