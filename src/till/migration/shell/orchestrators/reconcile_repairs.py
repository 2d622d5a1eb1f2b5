"""Carries out the repairs `legacy_reconcile.repair_for` decided: imports and
links on the new side through the orders port, writes on the legacy side
through the dual-write's `LegacyWriter`. A repair that fails is reported as
not repaired (with why); the run goes on."""

from zoneinfo import ZoneInfo

from till.kernel.errors import DomainError
from till.migration.core.legacy_mapping import imported_order_from_legacy
from till.migration.core.legacy_reconcile import Action, Repair, Verdict
from till.migration.core.ports import LegacyCustomerMap
from till.migration.core.sync_ports import MigrationOrders
from till.migration.shell.orchestrators.legacy_writer import LegacyWriter


class Repairs:
    def __init__(
        self,
        orders: MigrationOrders,
        customers: LegacyCustomerMap,
        writer: LegacyWriter,
        tz: ZoneInfo,
    ) -> None:
        self.orders = orders
        self.customers = customers
        self.writer = writer
        self.tz = tz

    async def apply(self, verdict: Verdict, repair: Repair) -> tuple[str | None, str]:
        """(None when repaired, else why not; the till order id concerned,
        "" when there is none)."""
        order_id = verdict.new.id if verdict.new else ""
        if repair.action is Action.REFUSE:
            return repair.why, order_id
        try:
            order_id = await self._apply(verdict, repair.action) or order_id
        except DomainError as error:
            return error.message, order_id
        return None, order_id

    async def _apply(self, verdict: Verdict, action: Action) -> str | None:
        new, legacy = verdict.new, verdict.legacy
        if action is Action.IMPORT and legacy is not None:
            found = await self.customers.customers_for_legacy([legacy.customer_id])
            customer = found.get(legacy.customer_id)
            if customer is None:
                raise DomainError(f"legacy order {legacy.id} has no customer (guest)")
            imported = imported_order_from_legacy(
                legacy, customer_id=customer, tz=self.tz
            )
            return await self.orders.import_legacy(imported)
        elif action is Action.LINK and new is not None and legacy is not None:
            await self.orders.link_legacy(new.id, legacy.id or 0)
        elif action in (Action.UPSERT, Action.STATUS) and new is not None:
            await self.writer.write(new, full=action is Action.UPSERT)
        return None
