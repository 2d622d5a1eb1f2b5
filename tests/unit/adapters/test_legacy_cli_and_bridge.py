"""`till legacy backfill|reconcile` output and exit codes (the work itself
faked), and the bridge that hands the migration's imports to orders."""

from datetime import UTC, datetime
from typing import Any

import pytest
from typer.testing import CliRunner

import till.app.legacy_tools as legacy_tools
from till import cli
from till.app.legacy_sync import MigrationOrdersBridge
from till.migration.core.legacy_mapping import ImportedLegacyOrder
from till.migration.core.legacy_orders import NewItem
from till.migration.core.sync_ports import ReconciliationSummary
from till.migration.shell.orchestrators.backfill import BackfillReport
from till.migration.shell.orchestrators.reconcile_tally import Tally

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_database(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "_database_url", lambda: "postgresql://nowhere/db")


def summary(**counts: Any) -> ReconciliationSummary:
    fields: dict[str, Any] = dict.fromkeys(
        ("compared", "matched", "missing_new", "missing_legacy", "mismatched"), 0
    )
    fields |= {"deleted_in_legacy": 0, "repaired": 0, "not_repaired": 0}
    return ReconciliationSummary(
        AT, AT, None, orders_per_second=1234.0, **(fields | counts)
    )


def test_backfill_prints_progress_skips_and_throughput(monkeypatch):
    async def fake(url: str, **options: Any) -> BackfillReport:
        report = BackfillReport(finish_id=9, last_id=9, imported=7, deleted=1)
        report.unmappable, report.unmappable_count = [(4, "totals differ")], 1
        report.batches, report.seconds = 1, 0.5
        options["on_batch"](report)
        return report

    monkeypatch.setattr(legacy_tools, "backfill_legacy", fake)
    result = CliRunner().invoke(cli.app, ["legacy", "backfill", "--batch-size", "5"])
    assert result.exit_code == 0, result.output
    assert "skipped legacy order 4: totals differ" in result.output
    assert "7 imported" in result.output and "18 orders/s" in result.output


def test_reconcile_exits_1_on_differences_and_lists_their_ids(monkeypatch):
    seen: dict[str, Any] = {}

    async def fake(url: str, **options: Any) -> ReconciliationSummary:
        seen.update(options)
        options["on_page"](Tally(None))
        return summary(
            compared=3,
            matched=2,
            mismatched=1,
            samples={"mismatched": ["ord_1 / 7: status"]},
        )

    monkeypatch.setattr(legacy_tools, "reconcile_legacy", fake)
    result = CliRunner().invoke(cli.app, ["legacy", "reconcile", "--repair", "new"])
    assert result.exit_code == 1
    assert "mismatched: ord_1 / 7: status" in result.output
    assert "1,234 orders/s" in result.output and seen["repair"] == "new"


def test_reconcile_exits_0_when_both_sides_agree(monkeypatch):
    async def fake(url: str, **options: Any) -> ReconciliationSummary:
        return summary(compared=2, matched=2)

    monkeypatch.setattr(legacy_tools, "reconcile_legacy", fake)
    assert CliRunner().invoke(cli.app, ["legacy", "reconcile"]).exit_code == 0


def _fake_link(monkeypatch, linked: list[tuple[str, int]]) -> None:
    from till.kernel.errors import Conflict

    async def fake(url: str, customer_id: str, legacy_id: int) -> None:
        if legacy_id == 7:
            raise Conflict("legacy customer 7 is already mapped otherwise")
        linked.append((customer_id, legacy_id))

    monkeypatch.setattr(legacy_tools, "link_customer", fake)


def test_link_customer_reports_the_pair(monkeypatch):
    linked: list[tuple[str, int]] = []
    _fake_link(monkeypatch, linked)
    ok = CliRunner().invoke(cli.app, ["legacy", "link-customer", "usr_a", "42"])
    assert ok.exit_code == 0 and "linked usr_a to legacy customer 42" in ok.output
    assert linked == [("usr_a", 42)]


def test_link_customer_reports_a_refusal(monkeypatch):
    linked: list[tuple[str, int]] = []
    _fake_link(monkeypatch, linked)
    refused = CliRunner().invoke(cli.app, ["legacy", "link-customer", "usr_b", "7"])
    assert refused.exit_code == 1 and linked == []


class RecordingImports:
    def __init__(self) -> None:
        self.calls: list[Any] = []

    async def import_legacy(self, order: Any) -> str:
        self.calls.append(order)
        return "ord_x"

    async def link_legacy(self, order_id: str, legacy_id: int) -> None:
        self.calls.append((order_id, legacy_id))

    async def snapshot(self, order_id: str) -> dict[str, Any] | None:
        return {"id": order_id}

    async def scan(self, after_id: str | None, limit: int) -> list[dict[str, Any]]:
        return [{"after": after_id, "limit": limit}]

    async def orders_by_legacy_ids(self, ids: Any) -> dict[int, dict[str, Any]]:
        return {i: {"legacy_id": i} for i in ids}


async def test_the_bridge_hands_orders_its_own_import_type():
    imports = RecordingImports()
    bridge = MigrationOrdersBridge(imports)  # type: ignore[arg-type]
    imported = ImportedLegacyOrder(
        7,
        None,
        "lgc_4",
        "EUR",
        (NewItem("MUG", "Mug", 2, 999, 1998),),
        "paid",
        AT,
        AT,
    )
    assert await bridge.import_legacy(imported) == "ord_x"
    (order,) = imports.calls
    assert (order.increment_id, order.customer_id, order.status) == (
        "7",
        "lgc_4",
        "paid",
    )
    assert order.items[0].unit_amount == 999 and order.items[0].quantity == 2
    await bridge.link_legacy("ord_x", 7)
    assert imports.calls[-1] == ("ord_x", 7)
    assert await bridge.snapshot("ord_x") == {"id": "ord_x"}
    assert await bridge.scan(None, 5) == [{"after": None, "limit": 5}]
    assert await bridge.orders_by_legacy_ids([3]) == {3: {"legacy_id": 3}}
