"""The bearer token of a request, as a FastAPI dependency shared by every
context (one `HTTPBearer` security scheme in the OpenAPI document)."""

from typing import Annotated

from fastapi import Depends, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from till.platform.problems import ProblemError

_bearer = HTTPBearer(
    auto_error=False,
    description="A user's access token (JWT) or a service API key (`sk_…`).",
)
Credentials = Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)]


async def bearer_token(credentials: Credentials) -> str:
    if credentials is None or not credentials.credentials.strip():
        raise ProblemError(
            401, "unauthenticated", "send `Authorization: Bearer <token>`"
        )
    return credentials.credentials.strip()


BearerToken = Annotated[str, Depends(bearer_token)]
