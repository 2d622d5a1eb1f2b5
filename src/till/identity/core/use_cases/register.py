"""Register a user account."""

from dataclasses import dataclass

from till.identity.core.email import Email
from till.identity.core.models import User
from till.identity.core.passwords import check_password_policy
from till.identity.core.ports import (
    Clock,
    CommonPasswords,
    IdentityStore,
    PasswordHasher,
)
from till.kernel.errors import Conflict, ValidationFailed
from till.kernel.ids import new_id


@dataclass(frozen=True, slots=True)
class Register:
    email: str
    password: str
    name: str | None = None
    admin: bool = False


async def register(
    cmd: Register,
    store: IdentityStore,
    hasher: PasswordHasher,
    common: CommonPasswords,
    clock: Clock,
) -> User:
    """Rules: the email is valid and not yet taken (case-insensitive); the password
    has ≥ 12 characters and is not a common one; the password is stored only as an
    argon2id hash; a new account has the role `user` (plus `admin` from the CLI)."""
    email = Email(cmd.email)
    if cmd.name is not None and len(cmd.name) > 200:
        raise ValidationFailed("name must have at most 200 characters", param="name")
    check_password_policy(cmd.password, common)
    if await store.users.by_email(email) is not None:
        raise Conflict("an account with this email already exists", param="email")
    user = User(
        id=new_id("usr"),
        email=email,
        name=cmd.name,
        password_hash=await hasher.hash(cmd.password),
        roles=frozenset({"user", "admin"} if cmd.admin else {"user"}),
        created_at=clock.now(),
    )
    await store.users.add(user)
    return user
