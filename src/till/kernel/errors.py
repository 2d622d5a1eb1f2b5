"""Domain errors carry a stable machine code; the shell maps codes to HTTP."""


class DomainError(Exception):
    """A business rule said no. `code` is the API's error code."""

    code = "domain_error"

    def __init__(self, message: str, *, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param


class ValidationFailed(DomainError):
    code = "validation_error"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    code = "conflict"


class Forbidden(DomainError):
    code = "forbidden"


class InvalidState(DomainError):
    """An action that the current state of an aggregate does not allow."""

    code = "invalid_state"

    def __init__(self, *, state: str, action: str) -> None:
        super().__init__(f"cannot {action} when status is {state}")
        self.state = state
        self.action = action


def keeps_writes(error: BaseException) -> bool:
    """True for an error raised after writes that must be committed anyway (a
    refresh-token reuse revokes the session, then answers 401)."""
    return bool(getattr(error, "commit_anyway", False))
