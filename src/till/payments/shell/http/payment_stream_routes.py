"""`WS /v1/payments/{id}/stream`: `{type: "payment.updated", data: payment}`
now and after every change. The token comes as `?access_token=` or an
`Authorization: Bearer` header; a caller who may not see the payment (or no
valid token) is closed with 1008 (policy violation)."""

import asyncio
import contextlib

from fastapi import APIRouter, WebSocket, WebSocketDisconnect, status

from till.kernel.errors import DomainError

router = APIRouter(tags=["payments"])


def _token(websocket: WebSocket) -> str | None:
    header = websocket.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip() or None
    return websocket.query_params.get("access_token")


@router.websocket("/v1/payments/{payment_id}/stream")
async def payment_stream(websocket: WebSocket, payment_id: str) -> None:
    token = _token(websocket)
    state = websocket.app.state
    try:
        if token is None:
            raise PermissionError("no token")
        caller = await state.payment_callers.caller_for(token)
        stream = state.payment_streams.follow(caller, payment_id)
        first = await anext(stream)
    except (DomainError, PermissionError):
        await websocket.close(code=status.WS_1008_POLICY_VIOLATION)
        return
    await websocket.accept()

    async def push() -> None:
        await websocket.send_text(_message(first))
        async for document in stream:
            await websocket.send_text(_message(document))

    async def until_closed() -> None:
        # the stream waits for changes: the client leaving must end it too
        with contextlib.suppress(WebSocketDisconnect):
            while True:
                await websocket.receive_text()

    pushing = asyncio.create_task(push())
    closing = asyncio.create_task(until_closed())
    try:
        await asyncio.wait({pushing, closing}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (pushing, closing):
            task.cancel()
        await asyncio.gather(pushing, closing, return_exceptions=True)
        await stream.aclose()


def _message(document: bytes) -> str:
    return '{"type":"payment.updated","data":' + document.decode() + "}"
