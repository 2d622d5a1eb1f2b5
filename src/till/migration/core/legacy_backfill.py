"""What the backfill does with one batch of legacy rows (pure).

Rules:
- a row already imported (its legacy id is on an order) is left alone: a
  rerun, or a resumed run redoing the batch it was killed in, imports nothing
  twice;
- a soft-deleted row is skipped: the shop hid it from every screen and list,
  so the new service, which has no deleted state, does not show it either
  (importing it as `canceled` would invent a cancellation the customer never
  saw, and reconciliation would flag it anyway). It stays in legacy; the
  reconciliation counts such rows as `deleted_in_legacy`, not as missing;
- a row the new side cannot represent exactly (`UnmappableLegacyValue`: money
  more precise than its currency, totals that are not the sum of the items,
  an unknown status or currency, a guest order without a customer) is
  reported with why and skipped, never rounded or guessed.
"""

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from till.kernel.errors import ValidationFailed
from till.migration.core.legacy_errors import UnmappableLegacyValue
from till.migration.core.legacy_mapping import (
    ImportedLegacyOrder,
    imported_order_from_legacy,
)
from till.migration.core.legacy_orders import LegacyOrder


@dataclass(frozen=True, slots=True)
class BackfillPlan:
    to_import: tuple[ImportedLegacyOrder, ...]
    present: tuple[int, ...]
    deleted: tuple[int, ...]
    unmappable: tuple[tuple[int, str], ...]  # (legacy id, why)
    last_id: int


def plan_batch(
    rows: Sequence[LegacyOrder],
    *,
    customers: Mapping[int, str | None],
    present: Collection[int],
    tz: ZoneInfo,
) -> BackfillPlan:
    """`customers`: the till customer of each legacy customer id of the
    batch; `present`: the legacy ids already on an order."""
    to_import: list[ImportedLegacyOrder] = []
    found: list[int] = []
    deleted: list[int] = []
    unmappable: list[tuple[int, str]] = []
    for row in rows:
        legacy_id = row.id or 0
        if legacy_id in present:
            found.append(legacy_id)
        elif row.is_soft_deleted:
            deleted.append(legacy_id)
        else:
            try:
                to_import.append(_imported(row, customers, tz))
            except ValidationFailed as error:  # UnmappableLegacyValue and kin
                unmappable.append((legacy_id, error.message))
    last_id = max((row.id or 0 for row in rows), default=0)
    return BackfillPlan(
        tuple(to_import), tuple(found), tuple(deleted), tuple(unmappable), last_id
    )


def _imported(
    row: LegacyOrder, customers: Mapping[int, str | None], tz: ZoneInfo
) -> ImportedLegacyOrder:
    customer = customers.get(row.customer_id)
    if customer is None:
        raise UnmappableLegacyValue(
            f"legacy order {row.id} has no customer (guest)", param="customer_id"
        )
    return imported_order_from_legacy(row, customer_id=customer, tz=tz)
