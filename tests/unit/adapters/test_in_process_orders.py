"""InProcessOrders (the router's new side): the orders routes run on the
request in process, body and status and headers as they answered."""

import httpx
from fastapi import APIRouter, FastAPI, Request
from starlette.responses import Response

from till.app.strangler import InProcessOrders

inner = APIRouter()


@inner.post("/v1/orders")
async def echo(request: Request) -> Response:
    body = await request.body()
    return Response(body, 201, headers={"Idempotent-Replayed": "true"})


def app_forwarding() -> FastAPI:
    app = FastAPI()
    new = InProcessOrders(inner.routes)

    @app.post("/v1/orders")
    async def front(request: Request) -> Response:
        await request.body()  # the router read it to decide
        return await new.forward(request)

    return app


async def test_the_orders_answer_passes_through_unchanged() -> None:
    transport = httpx.ASGITransport(app=app_forwarding())
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        answer = await http.post("/v1/orders", content=b'{"currency": "eur"}')
    assert (answer.status_code, answer.content) == (201, b'{"currency": "eur"}')
    assert answer.headers["idempotent-replayed"] == "true"
