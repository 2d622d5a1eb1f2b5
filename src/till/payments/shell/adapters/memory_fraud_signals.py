"""FraudSignalsPort in this process's memory, for the embedded default (one
process, no Redis): the same windows and rules of thumb as the Redis adapter.
Empty windows are dropped hourly, so memory follows the live traffic."""

from collections import defaultdict
from datetime import datetime

from till.payments.core.fraud import WINDOWS, Attempt, Signals

Window = dict[str, float]  # member → last seen (seconds)


class MemoryFraudSignals:
    def __init__(self) -> None:
        self._sets: defaultdict[str, Window] = defaultdict(dict)
        self._history: defaultdict[str, list[int]] = defaultdict(lambda: [0, 0])
        self._paid: set[str] = set()  # cards that completed a payment
        self._swept = 0.0

    def _count(self, key: str, window: str, now: float) -> int:
        members = self._sets[key]
        for member, seen in list(members.items()):
            if seen <= now - WINDOWS[window]:
                del members[member]
        return len(members)

    def _add(self, key: str, member: str, window: str, now: float) -> int:
        self._sets[key][member] = now
        return self._count(key, window, now)

    def _sweep(self, now: float) -> None:
        if now - self._swept < 3600:
            return
        self._swept = now
        for key in [k for k, m in self._sets.items() if not m]:
            del self._sets[key]

    async def observe(self, attempt: Attempt, now: datetime) -> Signals:
        t = now.timestamp()
        self._sweep(t)
        c, f, i, pid = attempt.customer_id, attempt.card, attempt.ip, attempt.payment_id
        counts = {
            "card_payments": self._add(f"f:{f}:pay", pid, "card_payments", t),
            "card_declines": self._count(f"f:{f}:declines", "declines", t),
        }
        flags = [self._count(f"f:{f}:flags", "flags", t)]
        new_ip = False
        if i is not None:
            counts["ip_payments"] = self._add(f"i:{i}:pay", pid, "ip_payments", t)
            cards = f"i:{i}:cards"
            counts["ip_cards"] = (
                self._count(cards, "ip_cards", t)
                if f in self._paid
                else self._add(cards, f, "ip_cards", t)
            )
            counts["ip_declines"] = self._count(f"i:{i}:declines", "declines", t)
            flags.append(self._count(f"i:{i}:flags", "flags", t))
        if c is not None:
            counts["customer_payments"] = self._add(
                f"c:{c}:pay", pid, "customer_payments", t
            )
            counts["customer_cards"] = self._add(f"c:{c}:cards", f, "customer_cards", t)
            if i is not None:
                ips = f"c:{c}:ips"
                new_ip = (
                    self._count(ips, "customer_ips", t) > 0 and i not in self._sets[ips]
                )
            counts["customer_declines"] = self._count(f"c:{c}:declines", "declines", t)
            flags.append(self._count(f"c:{c}:flags", "flags", t))
            count, total = self._history[f"c:{c}:{attempt.currency}"]
            counts["history_count"], counts["history_sum"] = count, total
        return Signals(new_ip=new_ip, recent_flags=max(flags), **counts)

    async def settled(
        self, attempt: Attempt, succeeded: bool, amount: int, now: datetime
    ) -> None:
        c, t = attempt.customer_id, now.timestamp()
        if not succeeded:
            self._mark(attempt, "declines", t)
            return
        self._paid.add(attempt.card)
        if c is not None:
            history = self._history[f"c:{c}:{attempt.currency}"]
            history[0] += 1
            history[1] += amount
            if attempt.ip is not None:
                self._sets[f"c:{c}:ips"][attempt.ip] = t

    async def flagged(self, attempt: Attempt, now: datetime) -> None:
        self._mark(attempt, "flags", now.timestamp())

    def _mark(self, attempt: Attempt, what: str, t: float) -> None:
        keys = [f"f:{attempt.card}:{what}"]
        if attempt.customer_id is not None:
            keys.append(f"c:{attempt.customer_id}:{what}")
        if attempt.ip is not None:
            keys.append(f"i:{attempt.ip}:{what}")
        for key in keys:
            self._sets[key][attempt.payment_id] = t
