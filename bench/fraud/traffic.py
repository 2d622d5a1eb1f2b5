"""Labelled synthetic payment traffic for the fraud benchmark (bench/fraud/run.py).

A week of traffic, reproducible from a seed:

- Legitimate customers, each with a usual amount (log-normal around 40.00),
  one or two cards and one or two home addresses; ~0.5 payments a day, now and
  then a few in one hour (a basket split in two), a new card (3 %), an address
  they have not used (travel, 5 %), a big purchase (1 %: 4–12 × usual), a
  processor decline (3 %). 10 % of them sit behind a mobile carrier's shared
  address (CGNAT: ~60 customers per address), 5 % behind an office NAT; 10 % of
  payments are guest checkouts (no customer id, a fresh card).
- Card testing: a fresh address tries 30–150 different cards in 5–30 minutes,
  small amounts, guest checkout; the processor declines ~75 %.
- Account takeover: an existing customer's account from a new address, 3–8
  payments in half an hour at 3–15 × their usual amount, with 1–3 new cards.
- Large anomalous amounts: one payment of 15–60 × the customer's usual amount
  (70 % from a new address, half of them on a new card).

Every payment carries its label (fraud or not) and its scenario. The history
each customer has before the week starts (completed payments, home addresses)
comes as `seed` payments: they are fed to the counters first and not scored.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

DAY = 86400.0


@dataclass(frozen=True, slots=True)
class Txn:
    at: float  # seconds since the start of the week
    payment_id: str
    customer: str | None
    card: str
    ip: str
    amount: int
    fraud: bool
    scenario: str
    declined: bool  # what the processor would answer


@dataclass
class Customer:
    id: str
    usual: int
    cards: list[str]
    ips: list[str]
    seed: list[Txn] = field(default_factory=list)


@dataclass
class Traffic:
    seed: list[Txn]
    week: list[Txn]  # sorted by time


class _Ids:
    def __init__(self) -> None:
        self.n = 0

    def __call__(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}_{self.n}"


def _ip(rng: random.Random) -> str:
    return f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}"


def _amount(rng: random.Random, usual: int, sigma: float = 0.5) -> int:
    return max(100, int(usual * math.exp(rng.gauss(0, sigma) - sigma * sigma / 2)))


def _customers(rng: random.Random, ids: _Ids, count: int) -> list[Customer]:
    cgnat = [_ip(rng) for _ in range(max(1, count // 600))]
    offices = [_ip(rng) for _ in range(max(1, count // 800))]
    found = []
    for _ in range(count):
        roll = rng.random()
        if roll < 0.10:
            home = [rng.choice(cgnat)]
        elif roll < 0.15:
            home = [rng.choice(offices), _ip(rng)]
        else:
            home = [_ip(rng) for _ in range(rng.choice((1, 1, 2)))]
        usual = int(4000 * math.exp(rng.gauss(0, 0.8)))
        cards = [ids("card") for _ in range(rng.choice((1, 1, 2)))]
        customer = Customer(ids("usr"), max(200, usual), cards, home)
        for _ in range(rng.randint(3, 10)):  # history from before the week
            at = -DAY * rng.uniform(2, 25)
            customer.seed.append(
                Txn(
                    at,
                    ids("pay"),
                    customer.id,
                    rng.choice(cards),
                    rng.choice(home),
                    _amount(rng, usual),
                    False,
                    "seed",
                    False,
                )
            )
        found.append(customer)
    return found


def _legit(rng: random.Random, ids: _Ids, c: Customer, days: float) -> list[Txn]:
    found: list[Txn] = []
    at = rng.expovariate(0.5 / DAY)
    while at < days * DAY:
        basket = 1 if rng.random() > 0.05 else rng.randint(2, 3)
        for b in range(basket):
            card = rng.choice(c.cards)
            if rng.random() < 0.03:
                card = ids("card")
                c.cards.append(card)
            ip = rng.choice(c.ips) if rng.random() > 0.05 else _ip(rng)
            amount = _amount(rng, c.usual)
            if rng.random() < 0.01:
                amount = int(c.usual * rng.uniform(4, 12))
            found.append(
                Txn(
                    at + b * rng.uniform(60, 1800),
                    ids("pay"),
                    c.id,
                    card,
                    ip,
                    amount,
                    False,
                    "legit",
                    rng.random() < 0.03,
                )
            )
        at += rng.expovariate(0.5 / DAY)
    return found


def _guests(rng: random.Random, ids: _Ids, count: int, days: float) -> list[Txn]:
    return [
        Txn(
            rng.uniform(0, days * DAY),
            ids("pay"),
            None,
            ids("card"),
            _ip(rng),
            _amount(rng, 3000, 0.8),
            False,
            "guest",
            rng.random() < 0.03,
        )
        for _ in range(count)
    ]


def _card_testing(rng: random.Random, ids: _Ids, days: float) -> list[Txn]:
    ip, start = _ip(rng), rng.uniform(0, days * DAY - 2000)
    tries, span = rng.randint(30, 150), rng.uniform(300, 1800)
    return [
        Txn(
            start + span * i / tries,
            ids("pay"),
            None,
            ids("card"),
            ip,
            rng.randint(100, 500),
            True,
            "card_testing",
            rng.random() < 0.75,
        )
        for i in range(tries)
    ]


def _takeover(rng: random.Random, ids: _Ids, c: Customer, days: float) -> list[Txn]:
    ip, start = _ip(rng), rng.uniform(0, days * DAY - 2000)
    cards = [ids("card") for _ in range(rng.randint(1, 3))]
    return [
        Txn(
            start + rng.uniform(0, 1800),
            ids("pay"),
            c.id,
            rng.choice(cards),
            ip,
            int(c.usual * rng.uniform(3, 15)),
            True,
            "account_takeover",
            rng.random() < 0.2,
        )
        for _ in range(rng.randint(3, 8))
    ]


def _large(rng: random.Random, ids: _Ids, c: Customer, days: float) -> Txn:
    ip = _ip(rng) if rng.random() < 0.7 else rng.choice(c.ips)
    card = ids("card") if rng.random() < 0.5 else rng.choice(c.cards)
    return Txn(
        rng.uniform(0, days * DAY),
        ids("pay"),
        c.id,
        card,
        ip,
        int(c.usual * rng.uniform(15, 60)),
        True,
        "large_amount",
        False,
    )


def generate(
    seed: int = 7,
    customers: int = 3000,
    days: float = 7,
    card_testing: int = 40,
    takeovers: int = 100,
    large: int = 150,
) -> Traffic:
    rng, ids = random.Random(seed), _Ids()
    people = _customers(rng, ids, customers)
    week: list[Txn] = []
    for person in people:
        week += _legit(rng, ids, person, days)
    week += _guests(rng, ids, len(week) // 9, days)
    for _ in range(card_testing):
        week += _card_testing(rng, ids, days)
    for victim in rng.sample(people, takeovers + large):
        if takeovers:
            week += _takeover(rng, ids, victim, days)
            takeovers -= 1
        else:
            week.append(_large(rng, ids, victim, days))
    seed_txns = sorted((t for p in people for t in p.seed), key=lambda t: t.at)
    return Traffic(seed_txns, sorted(week, key=lambda t: t.at))
