"""Writes one order of the new service into the legacy tables (the dual-write
and `reconcile --repair legacy`), and records the legacy id on the order.

Rules: an order legacy does not know yet (no legacy id) is upserted on
`increment_id` = its till id, so a retry after any crash finds the same row;
its legacy id is then linked (idempotent). An order already linked (created
here and written before, or imported from legacy) only ever changes status
after creation, so only its status and `updated_at` are written — by legacy
id, which also reaches imported rows whose `increment_id` is the shop's own.
"""

from zoneinfo import ZoneInfo

from till.kernel.errors import DomainError
from till.migration.core.legacy_mapping import legacy_order_from_new
from till.migration.core.legacy_orders import NewOrder
from till.migration.core.ports import LegacyCustomerMap, LegacyOrderStore
from till.migration.core.sync_ports import MigrationOrders


class LegacyRowMissing(DomainError):
    """The order's legacy row is gone (deleted in legacy): not retried."""


class LegacyWriter:
    def __init__(
        self,
        legacy: LegacyOrderStore,
        customers: LegacyCustomerMap,
        orders: MigrationOrders,
        tz: ZoneInfo,
    ) -> None:
        self.legacy = legacy
        self.customers = customers
        self.orders = orders
        self.tz = tz

    async def write(self, order: NewOrder, *, full: bool = False) -> int:
        """The legacy id. `full`: upsert every field even when linked (a
        repair of an order till created, whose row carries its id)."""
        customer = await self.customers.legacy_customer_for(order.customer_id)
        row = legacy_order_from_new(order, legacy_customer_id=customer, tz=self.tz)
        if order.legacy_id is not None and not full:
            updated_at = row.updated_at or row.created_at  # always mapped
            if updated_at is None or not await self.legacy.apply_status(
                order.legacy_id, row.status, updated_at
            ):
                raise LegacyRowMissing(
                    f"legacy order {order.legacy_id} of {order.id} is gone"
                )
            return order.legacy_id
        legacy_id = await self.legacy.upsert_order(row)
        if order.legacy_id != legacy_id:
            await self.orders.link_legacy(order.id, legacy_id)
        return legacy_id
