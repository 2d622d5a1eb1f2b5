"""Admin actions: role changes and service API keys (admin + MFA)."""

from fastapi import APIRouter, Response, status

from till.identity.core.models import ApiKey
from till.identity.shell.http.auth_routes import user_out
from till.identity.shell.http.dependencies import AdminWithMfa, Commands, Queries
from till.identity.shell.http.schemas import (
    ApiKeyCreatedOut,
    ApiKeyOut,
    ApiKeyRequest,
    RolesRequest,
    UserOut,
)
from till.platform.openapi import problems
from till.platform.pagination import Limit, StartingAfter, page
from till.platform.schemas import ListOf

router = APIRouter(tags=["identity admin"], responses=problems("mfa_required"))


def key_out(key: ApiKey) -> ApiKeyOut:
    return ApiKeyOut(
        id=key.id,
        name=key.name,
        scopes=sorted(key.scopes),
        created_at=key.created_at,
        last_used_at=key.last_used_at,
    )


@router.put("/v1/users/{user_id}/roles")
async def change_roles(
    user_id: str, body: RolesRequest, admin: AdminWithMfa, identity: Commands
) -> UserOut:
    return user_out(await identity.change_roles(user_id, frozenset(body.roles)))


@router.post("/v1/api-keys", status_code=status.HTTP_201_CREATED)
async def create_api_key(
    body: ApiKeyRequest, admin: AdminWithMfa, identity: Commands
) -> ApiKeyCreatedOut:
    """The `key` is shown once; only its digest is stored."""
    created = await identity.create_api_key(body.name, frozenset(body.scopes), admin.id)
    return ApiKeyCreatedOut(**key_out(created.key).model_dump(), key=created.secret)


@router.get("/v1/api-keys")
async def list_api_keys(
    admin: AdminWithMfa,
    identity: Queries,
    limit: Limit = 20,
    starting_after: StartingAfter = None,
) -> ListOf[ApiKeyOut]:
    keys = await identity.api_keys()
    chunk, more = page(keys, lambda k: k.id, limit, starting_after)
    return ListOf[ApiKeyOut](data=[key_out(k) for k in chunk], has_more=more)


@router.delete("/v1/api-keys/{key_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_api_key(
    key_id: str, admin: AdminWithMfa, identity: Commands
) -> Response:
    await identity.revoke_api_key(key_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
