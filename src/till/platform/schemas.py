"""Base classes for request and response bodies."""

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict

T = TypeVar("T")


class StrictRequest(BaseModel):
    """Request bodies: unknown fields → 422, no coercion ("10" is not 10)."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ListOf(BaseModel, Generic[T]):
    """A cursor page: `{"data": [...], "has_more": bool}`, newest first."""

    object: str = "list"
    data: list[T]
    has_more: bool
