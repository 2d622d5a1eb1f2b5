"""FRAUD_* settings into a policy: allow lists, rule overrides, the key."""

import base64

import pytest

from till.app.fraud import fraud_policy, fraud_screening
from till.kernel.clock import SystemClock
from till.payments.core.fraud import Rule
from till.payments.shell.adapters.memory_fraud_signals import MemoryFraudSignals
from till.platform.data_keys import DataKeyring, new_key_setting
from till.platform.settings import FraudSettings

KEYS = DataKeyring.from_setting(new_key_setting("k1"))


def test_allow_lists_are_comma_separated_and_trimmed():
    policy = fraud_policy(
        FraudSettings(allowlist_ips="127.0.0.1, ::1,", allowlist_customers="usr_a"),
        KEYS,
    )
    assert policy.allowed.ips == {"127.0.0.1", "::1"}
    assert policy.allowed.customers == {"usr_a"}
    assert policy.allowed.cards == frozenset()


def test_rules_are_overridden_from_json():
    policy = fraud_policy(
        FraudSettings(rules='{"card_testing": {"limit": 5, "points": 70}}'), KEYS
    )
    assert policy.rules.card_testing == Rule(5, 70)


@pytest.mark.parametrize("rules", ["{not json", "[1, 2]"])
def test_rules_must_be_a_json_object(rules):
    with pytest.raises(ValueError, match="FRAUD_RULES"):
        fraud_policy(FraudSettings(rules=rules), KEYS)


def test_the_fingerprint_key_is_derived_from_the_data_key_unless_set():
    derived = fraud_policy(FraudSettings(), KEYS).fingerprint_key
    assert derived == fraud_policy(FraudSettings(), KEYS).fingerprint_key
    other = DataKeyring.from_setting(new_key_setting("k2"))
    assert derived != fraud_policy(FraudSettings(), other).fingerprint_key
    own = base64.b64encode(b"f" * 32).decode()
    chosen = fraud_policy(FraudSettings(fingerprint_key=own), KEYS)
    assert chosen.fingerprint_key == b"f" * 32


@pytest.mark.parametrize("key", ["not base64!", base64.b64encode(b"short").decode()])
def test_a_bad_fingerprint_key_is_refused(key):
    with pytest.raises(ValueError, match="FRAUD_FINGERPRINT_KEY"):
        fraud_policy(FraudSettings(fingerprint_key=key), KEYS)


def test_without_redis_the_counters_are_kept_in_memory_and_off_is_none():
    screening = fraud_screening(FraudSettings(), KEYS, None, "till:", SystemClock())
    assert screening is not None
    assert isinstance(screening.signals, MemoryFraudSignals)
    off = FraudSettings(enabled=False)
    assert fraud_screening(off, KEYS, None, "till:", SystemClock()) is None
