"""What-if, NOT the production configuration: the `till` CLI with the webhook
sender's poll interval and batch changed (BENCH_SENDER_EVERY seconds, default
1.0; BENCH_SENDER_BATCH deliveries per tick, default 50), to show how much of
the end-to-end webhook latency is the sender's polling. Used by
bench/run_webhooks.sh when BENCH_SENDER_EVERY is set; figures from it are
labelled as such in docs/benchmarks.md.

    BENCH_SENDER_EVERY=0.05 .venv/bin/python bench/till_whatif.py serve --port 8775
"""

import os

from till.app import events
from till.cli import app
from till.payments.shell.orchestrators.webhook_deliveries import WebhookDeliveries

events.SEND_EVERY_SECONDS = float(os.environ.get("BENCH_SENDER_EVERY", "1.0"))
WebhookDeliveries.send_due.__defaults__ = (
    int(os.environ.get("BENCH_SENDER_BATCH", "50")),
)

if __name__ == "__main__":
    app()
