"""API.md's order list (`limit`, `starting_after`, `{data, has_more}`, newest
first) over the legacy paginator (15 per page by page number, newest first
by `created_at` then `id`, no items).

A status filter becomes the legacy statuses that read back as it
(`pending_payment` is pending + holded, `canceled` both spellings; those
pages are merged newest first; `fulfilled`/`shipped` match nothing, legacy
cannot tell them apart). `starting_after` is found by walking the pages: the
cost grows with depth, acceptable for a proxy of a system being retired.
Page numbers shift while orders are created; rows already seen are skipped.
"""

from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from typing import Any

from till.migration.core.legacy_ids import order_id_of_legacy_row
from till.migration.core.legacy_orders import LegacyOrder
from till.migration.core.legacy_status import NEW_STATUSES, legacy_statuses_shown_as
from till.migration.shell.adapters.legacy_http_translation import (
    LegacyProblem,
    order_from_answer,
)

Call = Callable[..., Awaitable[dict[str, Any]]]
ViewMany = Callable[[Sequence[LegacyOrder]], Awaitable[list[dict[str, Any]]]]
_OLDEST = datetime.min


class LegacyListing:
    def __init__(self, call: Call, view_many: ViewMany) -> None:
        self._call = call
        self._view_many = view_many

    async def page(
        self,
        legacy_customer: int | None,
        status: str | None,
        *,
        limit: int,
        starting_after: str | None,
    ) -> dict[str, Any]:
        if not 1 <= limit <= 100:
            raise LegacyProblem(
                422, "validation_error", "limit is 1–100", param="limit"
            )
        if status is not None and status not in NEW_STATUSES:
            raise LegacyProblem(
                422, "validation_error", "unknown status", param="status"
            )
        statuses = (None,) if status is None else legacy_statuses_shown_as(status)
        picked: list[LegacyOrder] = []
        skipping = starting_after is not None
        async for row in _newest_first(
            [self._rows(legacy_customer, s) for s in statuses]
        ):
            if skipping:
                skipping = order_id_of_legacy_row(row.id or 0, row.increment_id) != (
                    starting_after
                )
                continue
            picked.append(row)
            if len(picked) > limit:
                break
        return {
            "data": await self._view_many(picked[:limit]),
            "has_more": len(picked) > limit,
        }

    async def _rows(
        self, legacy_customer: int | None, status: str | None
    ) -> AsyncIterator[LegacyOrder]:
        query: dict[str, Any] = {}
        if legacy_customer is not None:
            query["customer_id"] = legacy_customer
        if status is not None:
            query["status"] = status
        seen: set[int] = set()
        page = 1
        while True:
            body = await self._call(
                "GET", "/api/orders", "list", params={**query, "page": page}
            )
            for raw in body.get("data") or ():
                row = order_from_answer(raw)
                if row.id not in seen:
                    seen.add(row.id or 0)
                    yield row
            if page >= int(body.get("last_page") or 1):
                return
            page += 1


async def _newest_first(
    streams: Sequence[AsyncIterator[LegacyOrder]],
) -> AsyncIterator[LegacyOrder]:
    """Merge streams that are each newest first (created_at, then id)."""
    heads: dict[int, LegacyOrder] = {}
    for index, stream in enumerate(streams):
        head = await anext(stream, None)
        if head is not None:
            heads[index] = head
    while heads:
        index = max(
            heads, key=lambda i: (heads[i].created_at or _OLDEST, heads[i].id or 0)
        )
        yield heads[index]
        following = await anext(streams[index], None)
        if following is None:
            del heads[index]
        else:
            heads[index] = following
