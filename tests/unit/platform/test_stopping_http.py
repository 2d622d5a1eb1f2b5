"""While the process stops (after SIGTERM, during the drain): /readyz answers
503 so that load balancers send elsewhere, and every response closes its
connection so that keep-alive clients reconnect elsewhere too."""

import httpx
from fastapi import FastAPI

from tests.unit.platform.test_http_middleware import Client, EchoApp, http_scope
from till.platform import health
from till.platform.http_middleware import HttpEdgeMiddleware
from till.platform.shutdown import Shutdown


async def _answer(shutdown: Shutdown) -> Client:
    client = Client(b"hi")
    middleware = HttpEdgeMiddleware(EchoApp(), shutdown=shutdown)
    await middleware(http_scope(), client.receive, client.send)
    return client


async def test_responses_close_their_connection_once_the_shutdown_began():
    shutdown = Shutdown(10.0)
    assert b"connection" not in (await _answer(shutdown)).headers
    shutdown.begin()
    stopping = await _answer(shutdown)
    assert (stopping.status, stopping.headers[b"connection"]) == (200, b"close")


async def test_readiness_fails_once_the_shutdown_began():
    app = FastAPI()
    app.include_router(health.router)
    app.state.readiness_checks = {}
    app.state.shutdown = Shutdown(10.0)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        assert (await http.get("/readyz")).status_code == 200
        app.state.shutdown.begin()
        stopping = await http.get("/readyz")
        assert (await http.get("/healthz")).status_code == 200  # alive all along
    assert stopping.status_code == 503
    assert stopping.headers["content-type"] == "application/problem+json"
    assert stopping.json()["detail"] == "shutting down"
