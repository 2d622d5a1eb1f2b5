"""Settings, one pydantic-settings class per concern, read once in the
composition root. The core never reads the environment."""

from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class InfraSettings(BaseSettings):
    """Where the dependencies are. Unset URLs mean the embedded default."""

    model_config = SettingsConfigDict(extra="ignore")

    database_url: str | None = None
    # A streaming replica for the reads that may lag (lists, event history,
    # reports: docs/operations/connection-pooling.md); unset: the primary.
    database_replica_url: str | None = None
    # PostgreSQL itself or a session-mode pool, for what needs a session: the
    # scheduler's job locks, migrations and the CLI's one-off commands. Unset:
    # DATABASE_URL; required with TILL_DB_PGBOUNCER.
    database_session_url: str | None = None
    redis_url: str | None = None
    rabbitmq_url: str | None = None
    till_data_dir: Path = Path(".till")
    # Connections per process, all kept open: overflow connections are closed
    # on every check-in, and under load that churn (a PostgreSQL backend forked
    # per burst) halved payment throughput (docs/benchmarks.md). N processes
    # need N × pool_size connections (PgBouncer: its default_pool_size).
    till_db_pool_size: int = Field(default=20, ge=1)
    till_db_max_overflow: int = Field(default=0, ge=0)
    # Connections per process to DATABASE_REPLICA_URL (list and report reads).
    till_db_replica_pool_size: int = Field(default=5, ge=1)
    # DATABASE_URL is a PgBouncer (< 1.21, or without max_prepared_statements)
    # in transaction mode: no prepared statement outlives its execution.
    till_db_pgbouncer: bool = False
    till_redis_prefix: str = "till:"
    till_log_level: str = "info"
    # Keys for secrets at rest, `kid:base64key,...` (first encrypts); unset: a key
    # file in till_data_dir, generated once.
    till_data_keys: SecretStr | None = None
    # Set by `till` when it started the bundled PostgreSQL (one machine): only
    # then may the data key live in a generated file.
    till_embedded_database: bool = False
    # Proxies whose X-Forwarded-For is believed (comma-separated IPs, or "*").
    till_forwarded_allow_ips: str = "127.0.0.1"
    # The outbox relay in this process (several may run: rows are claimed with
    # SKIP LOCKED), and the topic exchange it publishes to with RABBITMQ_URL.
    till_outbox_relay: bool = True
    till_events_exchange: str = "till.events"
    # Run the event consumers (webhook fan-out) and the webhook sender in this
    # process; with RABBITMQ_URL their queues are named after the exchange.
    till_worker_in_process: bool = True
    # Run the scheduler (janitor, retention, webhook sends, audit checkpoints:
    # ADR 0011) in this process; several may run, each job acts in one at a
    # time. Set false on API replicas when `till scheduler` runs beside them.
    till_scheduler_in_process: bool = True
    # The payment audit trail (event streams) is kept this long after a
    # payment's last event (7 years), then deleted by the scheduler.
    till_audit_retention_days: int = Field(default=2557, ge=1)
    # Seconds between audit checkpoints (streams' heads, ADR 0011).
    till_audit_checkpoint_seconds: float = Field(default=3600.0, gt=0)
    # GET /metrics of `till worker` and `till scheduler` (the API serves it on
    # its own port): off unless a port is set; TILL_METRICS_HOST=0.0.0.0 in a
    # container so Prometheus can reach it.
    till_metrics_port: int | None = Field(default=None, ge=0, le=65535)
    till_metrics_host: str = "127.0.0.1"
    # From SIGTERM to exit, at most (below Kubernetes' 30 s grace period):
    # requests in flight finish, then background work stops (platform/shutdown.py).
    till_shutdown_grace_seconds: float = Field(default=25.0, ge=1, le=600)
    # After SIGTERM, /readyz answers 503 while requests are still served for
    # this long, so that load balancers stop sending first (Kubernetes: ~5 s).
    till_shutdown_drain_seconds: float = Field(default=0.0, ge=0, le=60)
    # `till serve` applies pending migrations before it listens. Set false
    # where `till migrate` runs first on its own (a Kubernetes Job, compose's
    # migrate service): Alembic takes no lock, so API processes starting
    # together would each run the same migration at once.
    till_migrate_on_start: bool = True

    @model_validator(mode="after")
    def _session_url_with_pgbouncer(self) -> "InfraSettings":
        if self.till_db_pgbouncer and not self.database_session_url:
            raise ValueError(
                "TILL_DB_PGBOUNCER needs DATABASE_SESSION_URL (PostgreSQL itself "
                "or a session-mode pool): the scheduler's job locks and the "
                "migrations need a session of their own"
            )
        if self.till_shutdown_drain_seconds >= self.till_shutdown_grace_seconds:
            raise ValueError(
                "TILL_SHUTDOWN_DRAIN_SECONDS must be below TILL_SHUTDOWN_GRACE_SECONDS"
            )
        return self

    @property
    def session_url(self) -> str | None:
        """Where session-bound work connects: DATABASE_SESSION_URL, else
        DATABASE_URL."""
        return self.database_session_url or self.database_url


_EXPORTERS = ("", "otlp", "console", "none")
SAMPLERS = (
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
)


class TracingSettings(BaseSettings):
    """OpenTelemetry tracing, by the standard OTEL_* variables. Off unless an
    OTLP endpoint is set or OTEL_TRACES_EXPORTER names an exporter (`otlp`,
    `console`); OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none turn it
    off whatever else is set. The OTLP exporter reads its own
    OTEL_EXPORTER_OTLP_HEADERS / _TIMEOUT / _COMPRESSION / _CERTIFICATE."""

    model_config = SettingsConfigDict(extra="ignore")

    otel_sdk_disabled: bool = False
    otel_service_name: str = "till"
    otel_traces_exporter: str | None = None
    # The collector's base URL (`/v1/traces` is added), or the full traces URL.
    otel_exporter_otlp_endpoint: str | None = None
    otel_exporter_otlp_traces_endpoint: str | None = None
    # OTLP over HTTP (protobuf) only, checked when tracing is on: grpc would
    # need grpcio in the image.
    otel_exporter_otlp_protocol: str = "http/protobuf"
    otel_exporter_otlp_traces_protocol: str | None = None
    otel_traces_sampler: str = "parentbased_always_on"
    otel_traces_sampler_arg: float = Field(default=1.0, ge=0, le=1)

    @field_validator("otel_traces_exporter")
    @classmethod
    def _known_exporter(cls, value: str | None) -> str | None:
        if value is not None and value.strip().lower() not in _EXPORTERS:
            raise ValueError(f"OTEL_TRACES_EXPORTER {value!r}: one of {_EXPORTERS}")
        return value

    @field_validator("otel_traces_sampler")
    @classmethod
    def _known_sampler(cls, value: str) -> str:
        if value.strip().lower() not in SAMPLERS:
            raise ValueError(f"OTEL_TRACES_SAMPLER {value!r}: one of {SAMPLERS}")
        return value.strip().lower()

    @property
    def exporter(self) -> str | None:
        """`otlp`, `console` or None (tracing off)."""
        if self.otel_sdk_disabled:
            return None
        named = (self.otel_traces_exporter or "").strip().lower()
        if named in ("", "otlp"):
            endpoint = (
                self.otel_exporter_otlp_traces_endpoint
                or self.otel_exporter_otlp_endpoint
            )
            return "otlp" if named == "otlp" or endpoint else None
        return "console" if named == "console" else None

    @property
    def otlp_protocol(self) -> str:
        chosen = (
            self.otel_exporter_otlp_traces_protocol or self.otel_exporter_otlp_protocol
        )
        return chosen.strip().lower()

    @property
    def traces_url(self) -> str:
        if self.otel_exporter_otlp_traces_endpoint:
            return self.otel_exporter_otlp_traces_endpoint
        base = self.otel_exporter_otlp_endpoint or "http://localhost:4318"
        return base.rstrip("/") + "/v1/traces"


class AuthSettings(BaseSettings):
    """Token and password settings (`TILL_AUTH_*`)."""

    model_config = SettingsConfigDict(env_prefix="TILL_AUTH_", extra="ignore")

    issuer: str = "till"
    audience: str = "till-api"
    access_ttl_seconds: int = 900
    refresh_ttl_seconds: int = 30 * 24 * 3600
    mfa_max_age_seconds: int = 600
    jwt_algorithm: Literal["EdDSA", "HS512"] = "EdDSA"
    jwt_secret: SecretStr | None = None
    # OWASP minimum for argon2id: m = 19 MiB, t = 2, p = 1.
    argon2_memory_kib: int = 19 * 1024
    argon2_time_cost: int = 2
    argon2_parallelism: int = 1
    hash_workers: int = 2
    # Requests per minute per client IP on the credential endpoints (register,
    # login, refresh, MFA); 0 turns the limit off.
    rate_limit_per_minute: int = 120


def async_database_url(url: str) -> str:
    """Accept the usual `postgresql://` spelling and pick the asyncpg driver."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


class FraudSettings(BaseSettings):
    """Fraud screening (`FRAUD_*`). Allow lists are comma-separated and skip
    the velocity rules: e.g. FRAUD_ALLOWLIST_IPS=127.0.0.1,::1 for an
    operator's own test traffic. FRAUD_RULES overrides limits and points as
    JSON: `{"card_testing": {"limit": 4, "points": 70}, "review_at": 40}`."""

    model_config = SettingsConfigDict(env_prefix="FRAUD_", extra="ignore")

    enabled: bool = True
    allowlist_ips: str = ""
    allowlist_customers: str = ""
    allowlist_cards: str = ""  # card fingerprints
    rules: str = "{}"
    # Keys the card fingerprints (HMAC). Unset: derived from the current data
    # key, so set it before rotating TILL_DATA_KEYS (fingerprints would change).
    fingerprint_key: SecretStr | None = None


class PaymentSettings(BaseSettings):
    """The payment processor and the payment commands' limits
    (`TILL_PAYMENTS_*`; `STRIPE_API_KEY` selects Stripe)."""

    model_config = SettingsConfigDict(env_prefix="TILL_PAYMENTS_", extra="ignore")

    gateway: Literal["sandbox", "stripe"] = "sandbox"
    fraud: FraudSettings = Field(default_factory=FraudSettings)
    # New payments go here while the primary's circuit breaker is open.
    fallback_gateway: Literal["sandbox", "stripe"] | None = None
    breaker_window: int = 20  # the last calls considered
    breaker_min_calls: int = 10
    breaker_failure_rate: float = Field(default=0.5, gt=0, le=1)
    breaker_open_seconds: float = 30.0
    stripe_api_key: SecretStr | None = Field(
        default=None, validation_alias="STRIPE_API_KEY"
    )
    stripe_api_base: str = "https://api.stripe.com"
    # The signing secret of Stripe's webhook endpoint (`whsec_…`): without it
    # POST /v1/gateways/stripe/webhook answers 404.
    stripe_webhook_secret: SecretStr | None = Field(
        default=None, validation_alias="STRIPE_WEBHOOK_SECRET"
    )
    gateway_timeout_seconds: float = 10.0  # per attempt (Stripe)
    # One processor call, retries included: past it the outcome is unknown.
    # Kept well under the Idempotency-Key lease (60 s), so a retry cannot take
    # over a request that is still running.
    gateway_deadline_seconds: float = Field(default=30.0, gt=0, le=45)
    # The sandbox's fault injection (seconds, probabilities).
    sandbox_latency_seconds: float = 0.0
    sandbox_timeout_rate: float = 0.0
    sandbox_unavailable_rate: float = 0.0
    sandbox_bank_transfer_delay_seconds: float = 5.0
    # The janitor settles payments whose processor answer is missing for this
    # long (checked every janitor_every_seconds in each API process).
    janitor_grace_seconds: float = 60.0
    janitor_every_seconds: float = 30.0
    # Webhook URLs that resolve to loopback, link-local or private addresses
    # are refused (SSRF) unless this is set (tests, a private deployment).
    webhook_allow_private_urls: bool = Field(
        default=False, validation_alias="WEBHOOK_ALLOW_PRIVATE_URLS"
    )
    # Payment status reads: seconds in each process's L1 cache (≤ 60).
    cache_l1_seconds: float = Field(default=30.0, ge=0, le=60)
    # The processor's fee when it does not say (core/fees.py): percent in basis
    # points plus a fixed part in minor units, recorded on each capture.
    fee_percent_bps: int = Field(default=290, ge=0, le=10_000)
    fee_fixed: int = Field(default=30, ge=0)
    # Refunds above this many minor units need an admin with recent MFA.
    refund_mfa_threshold: int = 100_000
    # Payment commands per minute, per caller and per client IP; 0: no limit.
    rate_limit_per_caller_per_minute: int = 600
    rate_limit_per_ip_per_minute: int = 1200


class LegacySettings(BaseSettings):
    """The legacy shop being migrated from (issue 5, `LEGACY_*`): its HTTP API
    (the router's proxy, shadow reads), its MariaDB (dual-write, backfill,
    reconcile: `mysql://user@host:3306/db`) and the time zone its
    naive timestamps are in."""

    model_config = SettingsConfigDict(env_prefix="LEGACY_", extra="ignore")

    base_url: str | None = None
    api_token: SecretStr | None = None
    database_url: SecretStr | None = None
    tz: str = "Europe/Berlin"
    http_timeout_seconds: float = Field(default=10.0, gt=0)
    database_pool_size: int = Field(default=5, ge=1)

    @field_validator("tz")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"LEGACY_TZ {value!r} is not a known time zone") from None
        return value


class MigrationSettings(BaseSettings):
    """The strangler router (`TILL_MIGRATION_*`; on when LEGACY_BASE_URL is
    set)."""

    model_config = SettingsConfigDict(env_prefix="TILL_MIGRATION_", extra="ignore")

    # Share of the GETs legacy answers that are also read from the new store
    # and compared (0: no shadow reads).
    shadow_sample: float = Field(default=0.1, ge=0, le=1)
    # Comparisons running at once, at most; samples beyond are skipped.
    shadow_max_in_flight: int = Field(default=8, ge=1, le=256)


class FeatureFlagSettings(BaseSettings):
    """The migration's feature flags (`TILL_FLAGS_*`)."""

    model_config = SettingsConfigDict(env_prefix="TILL_FLAGS_", extra="ignore")

    # Seconds each process keeps its copy of the flags (read on every routed
    # orders request). Changes reach the other processes at once over Redis;
    # without Redis (or while it is unreachable) within this many seconds.
    cache_seconds: float = Field(default=2.0, ge=0, le=60)


class DualWriteSettings(BaseSettings):
    """The legacy dual-write (`TILL_MIGRATION_*`, issue 5): order events of the
    new service copied into the legacy MariaDB (LEGACY_DATABASE_URL) by the
    processes that run the event consumers (TILL_WORKER_IN_PROCESS)."""

    model_config = SettingsConfigDict(env_prefix="TILL_MIGRATION_", extra="ignore")

    dual_write: bool = False
    # Orders written per round; each is leased to one writer this long.
    dual_write_batch: int = Field(default=50, ge=1, le=1000)
    dual_write_lease_seconds: float = Field(default=120.0, gt=0)
