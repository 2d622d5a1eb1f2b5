"""Who is calling, as FastAPI dependencies: `CurrentPrincipal`, `CurrentUser`,
`AdminWithMfa`. Permission checks live here and in the core, once.

All are `async def`: FastAPI runs a plain `def` dependency in a thread pool, a
thread hop per dependency per request on the hot path."""

from typing import Annotated

from fastapi import Depends, Request

from till.identity.core.models import Principal
from till.identity.core.ports import IdentityCommandPort, IdentityQueryPort
from till.identity.core.use_cases.authenticate import (
    require_admin_with_mfa,
    require_user,
)
from till.kernel.clock import Clock
from till.platform.bearer import BearerToken
from till.platform.rate_limit_http import per_client_ip


async def commands(request: Request) -> IdentityCommandPort:
    port: IdentityCommandPort = request.app.state.identity_commands
    return port


async def queries(request: Request) -> IdentityQueryPort:
    port: IdentityQueryPort = request.app.state.identity_queries
    return port


Commands = Annotated[IdentityCommandPort, Depends(commands)]
Queries = Annotated[IdentityQueryPort, Depends(queries)]


async def current_principal(
    request: Request, identity: Queries, token: BearerToken
) -> Principal:
    principal = await identity.authenticate(token)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


async def current_user(principal: CurrentPrincipal) -> Principal:
    return require_user(principal)


async def admin_with_mfa(request: Request, principal: CurrentPrincipal) -> Principal:
    clock: Clock = request.app.state.clock
    max_age: int = request.app.state.mfa_max_age_seconds
    return require_admin_with_mfa(principal, clock, max_age)


# Register, login, refresh and the MFA codes share one per-IP budget.
CredentialRateLimit = Depends(per_client_ip("auth"))

CurrentUser = Annotated[Principal, Depends(current_user)]
AdminWithMfa = Annotated[Principal, Depends(admin_with_mfa)]
