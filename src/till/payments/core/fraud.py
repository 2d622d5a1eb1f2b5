"""Risk scoring before the processor is asked (pure: the signals come in).

Each rule that fires adds points with a reason; the score (0–100) decides:
below `review_at` the payment goes on (`normal`), from it the payment waits for
a person (`elevated`, `requires_review`), from `block_at` it fails with
`fraud_suspected` (`highest`). The levels are Stripe's `risk_level` names.

Velocity rules (how often a customer, a card or an IP pays; many cards from one
IP that never paid before, the mark of card testing; many cards on one account,
the mark of a taken-over account; repeated declines; a customer, card or IP
held or blocked in the last day) count recent attempts, so they see traffic,
not people: an allow-listed customer, card or IP skips them. The amount rules (an
amount far above the customer's usual one) apply to everyone."""

import hashlib
import hmac
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from typing import Any

from till.kernel.errors import ValidationFailed

# Windows of the counters (seconds): fixed, so the rules stay comparable.
WINDOWS = {
    "customer_payments": 3600,
    "card_payments": 3600,
    "ip_payments": 600,
    "ip_cards": 3600,
    "customer_cards": 86400,
    "customer_ips": 30 * 86400,
    "declines": 86400,
    "flags": 86400,
}


class Level(StrEnum):
    NORMAL = "normal"  # allow
    ELEVATED = "elevated"  # review
    HIGHEST = "highest"  # block


@dataclass(frozen=True, slots=True)
class Attempt:
    """Who pays, with what, from where: the keys the counters are kept under."""

    payment_id: str
    amount: int
    currency: str
    customer_id: str | None
    card: str  # the payment method's fingerprint (same card, same value)
    ip: str | None


@dataclass(frozen=True, slots=True)
class Signals:
    """Counts over the windows above, this attempt included (declines: before
    it). `history_*` are the customer's completed payments in this currency."""

    customer_payments: int = 0
    card_payments: int = 0
    ip_payments: int = 0
    ip_cards: int = 0  # distinct cards from the IP, but cards that paid before
    customer_cards: int = 0  # distinct cards the customer used
    new_ip: bool = False  # an IP the customer has not paid from (30 days)
    customer_declines: int = 0
    card_declines: int = 0
    ip_declines: int = 0
    recent_flags: int = 0  # held or blocked: customer, card or IP, the most
    history_count: int = 0
    history_sum: int = 0


@dataclass(frozen=True, slots=True)
class Rule:
    limit: int  # fires above this count (or multiple, for amounts)
    points: int


@dataclass(frozen=True, slots=True)
class FraudRules:
    """Limits and points; every field can be overridden from settings."""

    customer_velocity: Rule = Rule(5, 30)
    card_velocity: Rule = Rule(5, 30)
    ip_velocity: Rule = Rule(20, 25)
    card_testing: Rule = Rule(3, 60)  # distinct cards from one IP in an hour
    account_many_cards: Rule = Rule(2, 35)  # distinct cards on an account per day
    repeated_declines: Rule = Rule(2, 35)  # declines of customer, card or IP
    recently_flagged: Rule = Rule(0, 30)  # held or blocked within a day
    amount_spike: Rule = Rule(5, 30)  # amount above N × the customer's average
    amount_extreme: Rule = Rule(10, 55)  # … above N × it
    new_ip_spike: Rule = Rule(3, 25)  # above N × average, from a new IP
    large_first_payment: Rule = Rule(200_000, 20)  # minor units, no history yet
    history_needed: int = 3  # completed payments before the average counts
    review_at: int = 50
    block_at: int = 80

    def __post_init__(self) -> None:
        if not 0 < self.review_at <= self.block_at <= 100:
            raise ValidationFailed("fraud thresholds need 0 < review ≤ block ≤ 100")

    @classmethod
    def from_overrides(cls, overrides: dict[str, Any]) -> "FraudRules":
        """`{"card_testing": {"limit": 4, "points": 70}, "review_at": 40}`."""
        rules = cls()
        known = {f.name for f in fields(cls)}
        changes: dict[str, Any] = {}
        for name, value in overrides.items():
            if name not in known:
                raise ValidationFailed(f"unknown fraud rule {name!r}")
            current = getattr(rules, name)
            if isinstance(current, Rule):
                if not isinstance(value, dict) or set(value) - {"limit", "points"}:
                    raise ValidationFailed(f"fraud rule {name!r} takes limit, points")
                changes[name] = replace(current, **_ints(name, value))
            else:
                changes[name] = _ints(name, {"value": value})["value"]
        return replace(rules, **changes)


def _ints(name: str, values: dict[str, Any]) -> dict[str, int]:
    if any(type(v) is not int or v < 0 for v in values.values()):
        raise ValidationFailed(f"fraud rule {name!r} needs non-negative integers")
    return values


@dataclass(frozen=True, slots=True)
class AllowList:
    customers: frozenset[str] = frozenset()
    cards: frozenset[str] = frozenset()
    ips: frozenset[str] = frozenset()

    def covers(self, attempt: Attempt) -> bool:
        return (
            (attempt.customer_id is not None and attempt.customer_id in self.customers)
            or attempt.card in self.cards
            or (attempt.ip is not None and attempt.ip in self.ips)
        )


@dataclass(frozen=True, slots=True)
class Risk:
    score: int
    level: Level
    reasons: tuple[str, ...] = field(default=())

    def as_data(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "level": self.level.value,
            "reasons": list(self.reasons),
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> "Risk":
        return cls(int(data["score"]), Level(data["level"]), tuple(data["reasons"]))


def _velocity(signals: Signals, rules: FraudRules) -> list[tuple[str, int]]:
    r, s = rules, signals
    declines = max(s.customer_declines, s.card_declines, s.ip_declines)
    checks = (
        ("customer_velocity", signals.customer_payments, r.customer_velocity),
        ("card_velocity", signals.card_payments, r.card_velocity),
        ("ip_velocity", signals.ip_payments, r.ip_velocity),
        ("card_testing", signals.ip_cards, r.card_testing),
        ("account_many_cards", signals.customer_cards, r.account_many_cards),
        ("repeated_declines", declines, r.repeated_declines),
        ("recently_flagged", s.recent_flags, r.recently_flagged),
    )
    return [(name, rule.points) for name, count, rule in checks if count > rule.limit]


def _amount(
    attempt: Attempt, signals: Signals, rules: FraudRules
) -> list[tuple[str, int]]:
    if signals.history_count < rules.history_needed:
        if attempt.amount > rules.large_first_payment.limit:
            return [("large_first_payment", rules.large_first_payment.points)]
        return []
    # amount > N × average, in integers: amount × count > N × sum
    times = attempt.amount * signals.history_count
    found: list[tuple[str, int]] = []
    if times > rules.amount_extreme.limit * signals.history_sum:
        found.append(("amount_extreme", rules.amount_extreme.points))
    elif times > rules.amount_spike.limit * signals.history_sum:
        found.append(("amount_spike", rules.amount_spike.points))
    if signals.new_ip and times > rules.new_ip_spike.limit * signals.history_sum:
        found.append(("new_ip_spike", rules.new_ip_spike.points))
    return found


def assess(
    attempt: Attempt, signals: Signals, rules: FraudRules, allowed: AllowList
) -> Risk:
    fired = _amount(attempt, signals, rules)
    if not allowed.covers(attempt):
        fired = _velocity(signals, rules) + fired
    score = min(100, sum(points for _, points in fired))
    if score >= rules.block_at:
        level = Level.HIGHEST
    elif score >= rules.review_at:
        level = Level.ELEVATED
    else:
        level = Level.NORMAL
    return Risk(score, level, tuple(name for name, _ in fired))


def card_fingerprint(key: bytes, secret: str) -> str:
    """The same card (or IBAN) gives the same value under one key, whoever
    vaulted it; the number cannot be read back from it (keyed HMAC, not a bare
    hash that a 10^9 brute force over the middle digits would invert)."""
    return hmac.new(key, secret.encode(), hashlib.sha256).hexdigest()[:32]
