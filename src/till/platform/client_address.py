"""The client's IP address, the one place it is read. Behind a proxy it is right
only when the proxy is trusted: `till serve` passes TILL_FORWARDED_ALLOW_IPS to
uvicorn, which then takes the address from X-Forwarded-For."""

from starlette.requests import Request


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None
