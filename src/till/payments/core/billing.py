"""Billing details: personal data. Kept only sealed under the customer's own
key (crypto-shredding), never in events, logs or the payment object."""

from dataclasses import asdict, dataclass, field
from typing import Any

from till.kernel.errors import ValidationFailed

_LIMITS = {"name": 200, "email": 320, "line1": 200, "city": 100, "postal_code": 20}


@dataclass(frozen=True, slots=True)
class BillingDetails:
    name: str | None = field(default=None, repr=False)
    email: str | None = field(default=None, repr=False)
    line1: str | None = field(default=None, repr=False)
    city: str | None = field(default=None, repr=False)
    postal_code: str | None = field(default=None, repr=False)
    country: str | None = None  # ISO 3166-1 alpha-2

    def __post_init__(self) -> None:
        for name, limit in _LIMITS.items():
            value = getattr(self, name)
            if value is not None and not 0 < len(value) <= limit:
                raise ValidationFailed(
                    f"{name} must be 1 to {limit} characters", param=name
                )
        if self.email is not None and "@" not in self.email.strip("@"):
            raise ValidationFailed("email is not an address", param="email")
        if self.country is not None and not (
            len(self.country) == 2 and self.country.isalpha() and self.country.isupper()
        ):
            raise ValidationFailed("country is a 2-letter ISO code", param="country")

    def to_dict(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "BillingDetails":
        return cls(**{k: data.get(k) for k in (*_LIMITS, "country")})
