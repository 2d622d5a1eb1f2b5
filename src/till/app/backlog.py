"""Composition root, backlog part: the backlog gauges (outbox, webhook
deliveries, dead-letter queues) measured in each process that runs the
scheduler (`platform/backlog_metrics.py` says why there)."""

from contextlib import AsyncExitStack
from functools import partial
from typing import TYPE_CHECKING

from fastapi import FastAPI

from till.app.events import dead_letter_worker
from till.payments.shell.adapters.postgres_webhook_deliveries import (
    SqlaWebhookDeliveries,
)
from till.platform.backlog_metrics import BacklogGauges
from till.platform.outbox_relay import outbox_backlog
from till.platform.rabbit_worker import RabbitWorker
from till.platform.settings import InfraSettings

if TYPE_CHECKING:
    from till.app.factory import SharedInfra


class DeadLetterDepths:
    """The DLQ depths over a connection of its own, opened at the first
    measurement and opened again after a failure (the broker may be away at
    start-up: the other gauges go on meanwhile)."""

    def __init__(self, infra: InfraSettings, legacy_sync: bool) -> None:
        self.infra = infra
        self.legacy_sync = legacy_sync
        self._worker: RabbitWorker | None = None

    async def __call__(self) -> dict[str, int]:
        try:
            if self._worker is None:
                self._worker = dead_letter_worker(self.infra, self.legacy_sync)
                await self._worker.start(consume=False)
            return await self._worker.dead_letter_depths()
        except BaseException:  # failed or cancelled: connect afresh next time
            await self.close()
            raise

    async def close(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            await worker.stop()


def wire_backlog_gauges(
    app: FastAPI, infra: InfraSettings, shared: "SharedInfra", stack: AsyncExitStack
) -> BacklogGauges:
    dead_letters = None
    if infra.rabbitmq_url:  # the in-process bus has no dead-letter queues
        depths = DeadLetterDepths(infra, app.state.dual_write is not None)
        stack.push_async_callback(depths.close)
        dead_letters = depths
    gauges = BacklogGauges(
        partial(outbox_backlog, shared.database),
        SqlaWebhookDeliveries(shared.database).backlog,
        dead_letters,
    )
    app.state.backlog_gauges = gauges
    gauges.start()
    stack.push_async_callback(gauges.close)
    return gauges
