"""`till legacy reconcile [--repair new|legacy]`: both stores order by order.

Pass 1 pages through legacy by id; each page's orders are found by legacy id
(and, for rows the dual-write wrote but has not linked yet, by the till id in
`increment_id`). Pass 2 pages through the new side for orders pass 1 did not
meet: those legacy lacks. Each run's summary is stored (`legacy_reconciliations`,
the status endpoint reads the latest). Orders changed while it runs may show
up as differences the dual-write is about to remove: run it when the
dual-write's lag is low, and rerun to confirm."""

import time
from collections.abc import Callable
from zoneinfo import ZoneInfo

from till.kernel.clock import Clock
from till.migration.core.legacy_compare import compare
from till.migration.core.legacy_orders import LegacyOrder, NewOrder
from till.migration.core.legacy_reconcile import Verdict, judge, repair_for
from till.migration.core.ports import LegacyCustomerMap, LegacyOrderStore
from till.migration.core.sync_ports import (
    MigrationOrders,
    ReconciliationLog,
    ReconciliationSummary,
)
from till.migration.shell.orchestrators.reconcile_repairs import Repairs
from till.migration.shell.orchestrators.reconcile_tally import Tally

OnPage = Callable[[Tally], None]


class Reconciliation:
    def __init__(
        self,
        legacy: LegacyOrderStore,
        customers: LegacyCustomerMap,
        orders: MigrationOrders,
        repairs: Repairs,
        log: ReconciliationLog,
        clock: Clock,
        tz: ZoneInfo,
        *,
        page: int = 500,
    ) -> None:
        self.legacy = legacy
        self.customers = customers
        self.orders = orders
        self.repairs = repairs
        self.log = log
        self.clock = clock
        self.tz = tz
        self.page = page

    async def run(
        self, repair: str | None = None, on_page: OnPage | None = None
    ) -> ReconciliationSummary:
        started_at, started = self.clock.now(), time.perf_counter()
        tally = Tally(repair)
        seen: set[str] = set()
        after = 0
        while rows := await self.legacy.scan(after, self.page):
            after = rows[-1].id or after
            for verdict in await self._legacy_page(rows):
                seen.add(await self._settle(tally, verdict))
            tally.seconds = time.perf_counter() - started
            if on_page is not None:
                on_page(tally)
        last: str | None = None
        while page := await self.orders.scan(last, min(self.page, 1000)):
            last = str(page[-1]["id"])
            for data in page:
                if data["id"] not in seen:
                    verdict = judge(NewOrder.from_api(data), None, [])
                    await self._settle(tally, verdict)
        tally.seconds = time.perf_counter() - started
        summary = tally.summary(started_at, self.clock.now())
        await self.log.save(summary)
        return summary

    async def _settle(self, tally: Tally, verdict: Verdict) -> str:
        """The till order id of the pair (one imported by the repair too)."""
        repair = repair_for(verdict, tally.repair)
        failure, order_id = await self.repairs.apply(verdict, repair)
        tally.count(verdict, repair, failure)
        return order_id

    async def _legacy_page(self, rows: list[LegacyOrder]) -> list[Verdict]:
        ids = [row.id for row in rows if row.id is not None]
        found = await self.orders.orders_by_legacy_ids(ids)
        owners = await self.customers.customers_for_legacy(
            sorted({row.customer_id for row in rows})
        )
        verdicts = []
        for row in rows:
            data = found.get(row.id or 0)
            if data is None and (row.increment_id or "").startswith("ord_"):
                data = await self.orders.snapshot(row.increment_id or "")
            new = None if data is None else NewOrder.from_api(data)
            differences = []
            if new is not None:
                customer = row.customer_id
                if owners.get(customer) != new.customer_id:
                    customer = (
                        await self.customers.find_legacy_customer(new.customer_id) or -1
                    )  # an unmapped till customer: surely not this one
                differences = compare(new, row, tz=self.tz, legacy_customer_id=customer)
            verdicts.append(judge(new, row, differences))
        return verdicts
