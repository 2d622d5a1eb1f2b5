"""`till legacy backfill|reconcile`: the strangler-fig migration's batch
commands, with a progress bar (rich) and their throughput."""

import asyncio

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from till.migration.shell.orchestrators.backfill import BackfillReport
from till.migration.shell.orchestrators.reconcile_tally import Tally

console = Console(soft_wrap=True)  # summary lines stay whole in logs


def _bar() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]:,.0f} orders/s"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def backfill_command(
    database_url: str, batch_size: int, concurrency: int, restart: bool
) -> None:
    from till.app.legacy_tools import backfill_legacy

    with _bar() as bar:
        task = bar.add_task("backfill (legacy ids)", total=None, rate=0.0)

        def on_batch(report: BackfillReport) -> None:
            total = max(report.finish_id, report.last_id)
            bar.update(
                task,
                completed=report.last_id,
                total=total,
                rate=report.orders_per_second,
            )
            if not console.is_terminal:
                console.print(
                    f"batch {report.batches}: up to legacy id {report.last_id}, "
                    f"{report.imported} imported"
                )

        report = asyncio.run(
            backfill_legacy(
                database_url,
                batch_size=batch_size,
                concurrency=concurrency,
                restart=restart,
                on_batch=on_batch,
            )
        )
    for legacy_id, why in report.unmappable:
        console.print(f"skipped legacy order {legacy_id}: {why}", markup=False)
    console.print(
        f"backfill: {report.imported} imported, {report.present} already present, "
        f"{report.deleted} soft-deleted skipped, {report.unmappable_count} unmappable "
        f"skipped; legacy ids {report.start_id + 1}–{report.last_id} in "
        f"{report.seconds:.1f} s = {report.orders_per_second:,.0f} orders/s",
        markup=False,
    )


def reconcile_command(database_url: str, repair: str | None, page: int) -> None:
    from till.app.legacy_tools import reconcile_legacy

    with _bar() as bar:
        task = bar.add_task("reconcile", total=None, rate=0.0)

        def on_page(tally: Tally) -> None:
            bar.update(task, completed=tally.compared, rate=tally.orders_per_second)

        summary = asyncio.run(
            reconcile_legacy(database_url, repair=repair, page=page, on_page=on_page)
        )
    for kind, labels in summary.samples.items():
        for label in labels:
            console.print(f"{kind}: {label}", markup=False)
    console.print(
        f"reconcile: {summary.compared} compared, {summary.matched} matched, "
        f"{summary.missing_new} missing in new, {summary.missing_legacy} missing in "
        f"legacy, {summary.mismatched} mismatched, {summary.deleted_in_legacy} "
        f"soft-deleted in legacy; repaired {summary.repaired}, not repaired "
        f"{summary.not_repaired}; {summary.orders_per_second:,.0f} orders/s",
        markup=False,
    )
    if summary.mismatched or summary.missing_new or summary.missing_legacy:
        raise typer.Exit(code=1)
