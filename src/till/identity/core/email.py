"""The Email value object: normalised, validated, or it does not exist."""

from dataclasses import dataclass

from till.identity.core.errors import InvalidEmail

_MAX_LENGTH = 254
_FORBIDDEN = frozenset(' \t\r\n<>()[]\\,;:"')


@dataclass(frozen=True, slots=True)
class Email:
    """An email address, trimmed and lower-cased so one person has one account."""

    value: str

    def __post_init__(self) -> None:
        normalised = self.value.strip().lower()
        local, at, domain = normalised.rpartition("@")
        if (
            not at
            or not local
            or len(normalised) > _MAX_LENGTH
            or any(c in _FORBIDDEN for c in normalised)
            or "." not in domain
            or domain.startswith(".")
            or domain.endswith(".")
            or ".." in domain
        ):
            raise InvalidEmail()
        object.__setattr__(self, "value", normalised)

    def __str__(self) -> str:
        return self.value
