"""Log in with email and password: a new session and a token pair."""

import hashlib
from dataclasses import dataclass

from till.identity.core.email import Email
from till.identity.core.errors import InvalidCredentials, RateLimited
from till.identity.core.models import Session, TokenPair
from till.identity.core.ports import IdentityStore, LoginThrottle, PasswordHasher
from till.identity.core.throttle import ACCOUNT_POLICY, IP_POLICY
from till.identity.core.token_issuer import TokenIssuer
from till.kernel.ids import new_id


@dataclass(frozen=True, slots=True)
class Login:
    email: str
    password: str
    ip: str | None = None
    user_agent: str | None = None


def _throttle_keys(email: Email, ip: str | None) -> tuple[str, str | None]:
    # Hash the address so throttle keys in Redis carry no personal data.
    account = "acct:" + hashlib.sha256(email.value.encode()).hexdigest()[:32]
    return account, (f"ip:{ip}" if ip else None)


async def _reserve_attempt(
    throttle: LoginThrottle, account: str, ip: str | None
) -> None:
    if ip is not None:
        wait = await throttle.retry_after(ip, IP_POLICY)
        if wait is not None:
            raise RateLimited(wait)
    wait = await throttle.reserve(account, ACCOUNT_POLICY)
    if wait is not None:
        raise RateLimited(wait)


async def login(
    cmd: Login,
    store: IdentityStore,
    hasher: PasswordHasher,
    issuer: TokenIssuer,
    throttle: LoginThrottle,
) -> TokenPair:
    """Rules: an unknown email and a wrong password fail alike, with the same work
    (a dummy hash is checked). Attempts on an account are counted before the
    password is checked (atomically, so concurrent guesses cannot slip past) and
    past the policy's free attempts are refused with a back-off; failures are also
    counted per IP. A success resets the account's counter, rehashes an outdated
    hash and opens a session."""
    email = Email(cmd.email)
    account_key, ip_key = _throttle_keys(email, cmd.ip)
    await _reserve_attempt(throttle, account_key, ip_key)
    user = await store.users.by_email(email)
    valid = await hasher.verify(user.password_hash if user else None, cmd.password)
    if user is None or not valid:
        if ip_key is not None:
            await throttle.record_failure(ip_key, IP_POLICY)
        raise InvalidCredentials()
    await throttle.reset(account_key)
    if hasher.needs_rehash(user.password_hash):
        user = user.with_password_hash(await hasher.hash(cmd.password))
        await store.users.set_password_hash(user.id, user.password_hash)
    now = issuer.clock.now()
    session = Session(
        id=new_id("ses"),
        user_id=user.id,
        created_at=now,
        last_used_at=now,
        user_agent=(cmd.user_agent or None) and cmd.user_agent[:512],
        ip=cmd.ip,
    )
    await store.sessions.add(session)
    return await issuer.issue_pair(store, user, session.id, ("pwd",))
