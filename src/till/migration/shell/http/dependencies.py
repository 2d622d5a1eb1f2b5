"""Who is calling, as the migration toolkit sees it, and its driving port.

The caller comes through `MigrationCallerPort`, a driven port whose adapter
(in the composition root) asks the identity context: migration never imports
identity."""

from typing import Annotated, Protocol

from fastapi import Depends, Request

from till.migration.core.access import Caller
from till.migration.core.ports import FlagCommandPort
from till.platform.bearer import BearerToken


class MigrationCallerPort(Protocol):
    async def caller_for(self, token: str) -> Caller:
        """The caller a bearer token (JWT or `sk_…` key) stands for; raises the
        unauthenticated error when it stands for nobody."""


async def current_caller(request: Request, token: BearerToken) -> Caller:
    port: MigrationCallerPort = request.app.state.migration_callers
    return await port.caller_for(token)


async def feature_flags(request: Request) -> FlagCommandPort:
    port: FlagCommandPort = request.app.state.feature_flags
    return port


CurrentCaller = Annotated[Caller, Depends(current_caller)]
FeatureFlags = Annotated[FlagCommandPort, Depends(feature_flags)]
