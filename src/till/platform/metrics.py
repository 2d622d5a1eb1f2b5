"""Prometheus metrics shared by every context."""

from prometheus_client import Counter, Gauge, Histogram

HTTP_REQUESTS = Counter(
    "till_http_requests_total", "HTTP requests", ["method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "till_http_request_duration_seconds",
    "HTTP request latency",
    ["method", "route"],
    # 0.1, 0.2 and 0.5: the seed's p95 targets (status reads and login, order
    # creation, payment commands) are bucket bounds, so the alerts' quantiles
    # are not interpolated across them.
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5),
)
LOGIN_ATTEMPTS = Counter("till_login_attempts_total", "Logins by outcome", ["outcome"])
# What an alert watches: each difference a reconciliation finds between the
# ledger and a processor (kind: missing_at_processor, missing_in_ledger,
# mismatched). Any increase deserves a look.
RECONCILIATION_DIFFERENCES = Counter(
    "till_reconciliation_differences_total",
    "Ledger vs processor differences found by reconciliations",
    ["kind"],
)
# Each kind's series exists from the start at 0: increase() then sees the
# first difference (a series born at 1 hides its first step).
for _kind in ("missing_at_processor", "missing_in_ledger", "mismatched"):
    RECONCILIATION_DIFFERENCES.labels(_kind)
# The strangler router (issue 5): where each orders request went, and why
# (flag_on, flag_off, legacy_created, unknown_order, not_yet_in_legacy).
ROUTED_REQUESTS = Counter(
    "till_migration_routed_requests_total",
    "Orders requests by the side that served them",
    ["flag", "side", "reason"],
)
# Shadow reads: outcome match, mismatch, error (the new side failed), skipped
# (too many comparisons already running). A mismatch deserves a look.
SHADOW_READS = Counter(
    "till_migration_shadow_reads_total",
    "Sampled legacy reads compared with the new store",
    ["route", "outcome"],
)
# The legacy dual-write (issue 5): seconds since the oldest order event not yet
# written to legacy (0 when caught up), events waiting, orders parked (legacy
# refused them; they need a look).
LEGACY_SYNC_LAG = Gauge(
    "till_legacy_dual_write_lag_seconds",
    "Age of the oldest order event not yet written to the legacy tables",
)
LEGACY_SYNC_PENDING = Gauge(
    "till_legacy_dual_write_pending_events",
    "Order events not yet written to the legacy tables",
)
LEGACY_SYNC_PARKED = Gauge(
    "till_legacy_dual_write_parked_orders",
    "Orders the legacy tables refused (not retried until they change)",
)
