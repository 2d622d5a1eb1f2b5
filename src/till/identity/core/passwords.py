"""Password policy: pure rules, the common-password list comes through a port."""

from collections.abc import Container

from till.identity.core.errors import WeakPassword

MIN_LENGTH = 12
# argon2 accepts any length; an upper bound keeps one request from costing much.
MAX_LENGTH = 1024


def check_password_policy(password: str, common: Container[str]) -> None:
    """Reject passwords that are short, absurdly long or in the common list."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"password must have at least {MIN_LENGTH} characters")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"password must have at most {MAX_LENGTH} characters")
    if password.lower() in common:
        raise WeakPassword("password is too common; choose another")
