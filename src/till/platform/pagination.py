"""Cursor pagination over an id-ordered (newest first) list, Stripe style."""

from collections.abc import Callable, Sequence
from typing import Annotated, TypeVar

from fastapi import Query

from till.kernel.errors import ValidationFailed

T = TypeVar("T")

Limit = Annotated[int, Query(ge=1, le=100)]
StartingAfter = Annotated[str | None, Query(max_length=64)]


def page(
    items: Sequence[T],
    id_of: Callable[[T], str],
    limit: int,
    starting_after: str | None,
) -> tuple[list[T], bool]:
    start = 0
    if starting_after is not None:
        ids = [id_of(item) for item in items]
        if starting_after not in ids:
            raise ValidationFailed("unknown cursor", param="starting_after")
        start = ids.index(starting_after) + 1
    chunk = list(items[start : start + limit])
    return chunk, start + limit < len(items)
