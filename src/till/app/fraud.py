"""Fraud screening from settings: the rules (FRAUD_RULES overrides), the allow
lists, the fingerprint key and the counters (Redis; in memory in the embedded
default, which runs one process without Redis). None when disabled."""

import base64
import binascii

import orjson
from redis.asyncio import Redis

from till.kernel.clock import Clock
from till.payments.core.fraud import AllowList, FraudRules
from till.payments.core.ports import FraudSignalsPort
from till.payments.shell.adapters.memory_fraud_signals import MemoryFraudSignals
from till.payments.shell.adapters.redis_fraud_signals import RedisFraudSignals
from till.payments.shell.orchestrators.fraud_screening import (
    FraudPolicy,
    FraudScreening,
)
from till.platform.data_keys import DataKeyring
from till.platform.settings import FraudSettings

FINGERPRINT_LABEL = "till card fingerprint v1"


def _names(value: str) -> frozenset[str]:
    return frozenset(part.strip() for part in value.split(",") if part.strip())


def fraud_policy(settings: FraudSettings, data_keys: DataKeyring) -> FraudPolicy:
    try:
        overrides = orjson.loads(settings.rules)
    except orjson.JSONDecodeError as error:
        raise ValueError("FRAUD_RULES is not valid JSON") from error
    if not isinstance(overrides, dict):
        raise ValueError("FRAUD_RULES must be a JSON object")
    if settings.fingerprint_key is None:
        key = data_keys.derive(FINGERPRINT_LABEL)
    else:
        try:
            key = base64.b64decode(
                settings.fingerprint_key.get_secret_value(), validate=True
            )
        except binascii.Error as error:
            raise ValueError("FRAUD_FINGERPRINT_KEY must be base64") from error
        if len(key) < 32:
            raise ValueError("FRAUD_FINGERPRINT_KEY needs at least 32 bytes")
    return FraudPolicy(
        rules=FraudRules.from_overrides(overrides),
        allowed=AllowList(
            customers=_names(settings.allowlist_customers),
            cards=_names(settings.allowlist_cards),
            ips=_names(settings.allowlist_ips),
        ),
        fingerprint_key=key,
    )


def fraud_screening(
    settings: FraudSettings,
    data_keys: DataKeyring,
    redis: Redis | None,
    prefix: str,
    clock: Clock,
) -> FraudScreening | None:
    if not settings.enabled:
        return None
    policy = fraud_policy(settings, data_keys)
    signals: FraudSignalsPort = (
        MemoryFraudSignals() if redis is None else RedisFraudSignals(redis, prefix)
    )
    return FraudScreening(signals, policy, clock)
