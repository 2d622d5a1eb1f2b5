"""Reconciliation verdicts and what a repair may do about them (pure).

A pair (new order, legacy row) is `matched`, `mismatched` (with the fields
that differ, see `legacy_compare`), `missing_new` (a live legacy row no order
holds), `missing_legacy` (an order legacy lacks) or `deleted_in_legacy` (a
soft-deleted row no order holds: the backfill skips those on purpose).

Repairs, decided per verdict and direction:
- `--repair new` (legacy is the truth): a missing order is imported; a
  matched order not yet linked gets its legacy id. A mismatched order is NOT
  repaired: the orders service has no command that rewrites an order's state
  from outside (its history is its truth), so it is reported for a person; an
  order legacy lacks is reported too (legacy's truth would be to delete it).
- `--repair legacy` (the new service is the truth): a missing row is written
  (upserted on `increment_id` = the order id), unless the order is linked to a
  legacy row that is gone (re-creating it would change its id); a mismatched
  row of an order till created is upserted whole; of an imported order
  (legacy's own `increment_id`) only its status and `updated_at` are written,
  and only when nothing else differs; soft-deleted rows are never undeleted.
"""

from dataclasses import dataclass
from enum import StrEnum

from till.migration.core.legacy_compare import Difference
from till.migration.core.legacy_orders import LegacyOrder, NewOrder


class Kind(StrEnum):
    MATCHED = "matched"
    MISMATCHED = "mismatched"
    MISSING_NEW = "missing_new"
    MISSING_LEGACY = "missing_legacy"
    DELETED_IN_LEGACY = "deleted_in_legacy"


class Action(StrEnum):
    NONE = "none"  # nothing to repair
    IMPORT = "import"  # new side: import the legacy row
    LINK = "link"  # new side: record the legacy id on the order
    UPSERT = "upsert"  # legacy side: write the whole order
    STATUS = "status"  # legacy side: write status and updated_at
    REFUSE = "refuse"  # not repairable this way: `why` says why


@dataclass(frozen=True, slots=True)
class Verdict:
    kind: Kind
    new: NewOrder | None
    legacy: LegacyOrder | None
    differences: tuple[Difference, ...] = ()

    @property
    def label(self) -> str:
        order_id = self.new.id if self.new else "-"
        legacy_id = self.legacy.id if self.legacy else "-"
        fields = ", ".join(d.field for d in self.differences)
        return f"{order_id} / {legacy_id}" + (f": {fields}" if fields else "")


@dataclass(frozen=True, slots=True)
class Repair:
    action: Action
    why: str = ""


_STATUS_ONLY = frozenset({"status", "updated_at"})
NO_CORRECTING_COMMAND = (
    "orders has no command to correct an order from legacy (report it)"
)


def judge(
    new: NewOrder | None, legacy: LegacyOrder | None, differences: list[Difference]
) -> Verdict:
    if new is None and legacy is not None:
        kind = Kind.DELETED_IN_LEGACY if legacy.is_soft_deleted else Kind.MISSING_NEW
    elif legacy is None:
        kind = Kind.MISSING_LEGACY
    else:
        kind = Kind.MISMATCHED if differences else Kind.MATCHED
    return Verdict(kind, new, legacy, tuple(differences))


def repair_for(verdict: Verdict, direction: str | None) -> Repair:
    if direction == "new":
        return _repair_new(verdict)
    if direction == "legacy":
        return _repair_legacy(verdict)
    return Repair(Action.NONE)


def _repair_new(verdict: Verdict) -> Repair:
    match verdict.kind:
        case Kind.MISSING_NEW:
            return Repair(Action.IMPORT)
        case Kind.MATCHED if verdict.new and verdict.new.legacy_id is None:
            return Repair(Action.LINK)
        case Kind.MISMATCHED:
            return Repair(Action.REFUSE, NO_CORRECTING_COMMAND)
        case Kind.MISSING_LEGACY:
            return Repair(Action.REFUSE, "legacy lacks it; orders cannot delete it")
    return Repair(Action.NONE)


def _repair_legacy(verdict: Verdict) -> Repair:
    new, legacy = verdict.new, verdict.legacy
    if verdict.kind is Kind.MISSING_LEGACY and new is not None:
        if new.legacy_id is not None:
            return Repair(Action.REFUSE, f"its legacy row {new.legacy_id} is gone")
        return Repair(Action.UPSERT)
    if verdict.kind is Kind.MISSING_NEW:
        return Repair(Action.REFUSE, "only legacy has it; repair new imports it")
    if verdict.kind is not Kind.MISMATCHED or new is None or legacy is None:
        return Repair(Action.NONE)
    fields = {d.field for d in verdict.differences}
    if legacy.is_soft_deleted:
        return Repair(Action.REFUSE, "soft-deleted in legacy (never undeleted)")
    if legacy.increment_id == new.id:
        return Repair(Action.UPSERT)
    if fields <= _STATUS_ONLY:
        return Repair(Action.STATUS)
    return Repair(Action.REFUSE, "an imported order differs beyond its status")
