"""/v1/auth: register, login, refresh, logout, me, sessions."""

from fastapi import APIRouter, Request, Response, status

from till.identity.core.models import Session, TokenPair, User
from till.identity.shell.http.dependencies import (
    Commands,
    CredentialRateLimit,
    CurrentUser,
    Queries,
)
from till.identity.shell.http.schemas import (
    LoginRequest,
    RefreshRequest,
    RegisterRequest,
    SessionOut,
    TokenPairOut,
    UserOut,
)
from till.platform.client_address import client_ip
from till.platform.openapi import problems
from till.platform.pagination import Limit, StartingAfter, page
from till.platform.schemas import ListOf

router = APIRouter(prefix="/v1/auth", tags=["identity"])


def user_out(user: User) -> UserOut:
    return UserOut(
        id=user.id,
        email=user.email.value,
        name=user.name,
        roles=sorted(user.roles),
        mfa_enabled=user.mfa_enabled,
        created_at=user.created_at,
    )


def pair_out(pair: TokenPair) -> TokenPairOut:
    return TokenPairOut(
        access_token=pair.access_token,
        refresh_token=pair.refresh_token,
        expires_in=pair.expires_in,
        session_id=pair.session_id,
    )


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    dependencies=[CredentialRateLimit],
    responses=problems(
        "rate_limited",
        conflict={
            "detail": "an account with this email already exists",
            "param": "email",
        },
        validation_error={
            "detail": "password must have at least 12 characters",
            "param": "password",
        },
    ),
)
async def register(body: RegisterRequest, identity: Commands) -> UserOut:
    """Create an account. Password ≥ 12 characters and not a common one."""
    return user_out(await identity.register(body.email, body.password, body.name))


@router.post(
    "/login",
    dependencies=[CredentialRateLimit],
    responses=problems("invalid_credentials", "rate_limited"),
)
async def login(
    body: LoginRequest, request: Request, identity: Commands
) -> TokenPairOut:
    """One 401 for unknown email and wrong password; throttled per account and IP."""
    agent = request.headers.get("user-agent")
    return pair_out(
        await identity.login(body.email, body.password, client_ip(request), agent)
    )


@router.post(
    "/refresh",
    dependencies=[CredentialRateLimit],
    responses=problems(
        "rate_limited", unauthenticated={"detail": "refresh token is not valid"}
    ),
)
async def refresh(body: RefreshRequest, identity: Commands) -> TokenPairOut:
    """Rotate: each refresh token works once; a reused one revokes its session."""
    return pair_out(await identity.refresh(body.refresh_token))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(user: CurrentUser, identity: Commands) -> Response:
    """Revoke the current session: its refresh and access tokens stop at once."""
    session_id = user.session_id or ""  # users always come with a session
    await identity.revoke_session(user.id, session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", responses=problems("token_expired"))
async def me(user: CurrentUser, identity: Queries) -> UserOut:
    return user_out(await identity.profile(user.id))


@router.get("/sessions")
async def sessions(
    user: CurrentUser,
    identity: Queries,
    limit: Limit = 20,
    starting_after: StartingAfter = None,
) -> ListOf[SessionOut]:
    def out(s: Session) -> SessionOut:
        return SessionOut(
            id=s.id,
            created_at=s.created_at,
            last_used_at=s.last_used_at,
            user_agent=s.user_agent,
            ip=s.ip,
            current=s.id == user.session_id,
        )

    all_sessions = await identity.sessions(user.id)
    chunk, more = page(all_sessions, lambda s: s.id, limit, starting_after)
    return ListOf[SessionOut](data=[out(s) for s in chunk], has_more=more)


@router.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def revoke_session(
    session_id: str, user: CurrentUser, identity: Commands
) -> Response:
    await identity.revoke_session(user.id, session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
