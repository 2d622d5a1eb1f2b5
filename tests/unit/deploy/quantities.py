"""Kubernetes resource quantities ("512Mi", "1", "250m") as numbers."""

from __future__ import annotations

from decimal import Decimal

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40}
_DECIMAL = {"k": 10**3, "M": 10**6, "G": 10**9, "T": 10**12, "m": Decimal("0.001")}


def quantity(text: str | int) -> Decimal:
    value = str(text)
    for suffix, factor in _BINARY.items():
        if value.endswith(suffix):
            return Decimal(value[: -len(suffix)]) * factor
    for suffix, factor in _DECIMAL.items():
        if value.endswith(suffix):
            return Decimal(value[: -len(suffix)]) * Decimal(factor)
    return Decimal(value)
