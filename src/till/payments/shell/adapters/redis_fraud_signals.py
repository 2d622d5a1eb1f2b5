"""FraudSignalsPort in Redis: sliding windows as sorted sets (member = payment
id or card fingerprint, score = time in ms), shared by every API process.
`observe` counts an attempt and reads every window in ONE script call (one
round trip on the confirm path). Redis holds only what can be lost: if it is
down the orchestrator scores without velocity (fail open, logged)."""

from datetime import datetime

from redis.asyncio import Redis

from till.payments.core.fraud import WINDOWS, Attempt, Signals

HISTORY_SECONDS = 180 * 86400  # a customer's usual amount: the last ~6 months

# KEYS: 1 customer payments, 2 card payments, 3 IP payments, 4 IP cards,
# 5 customer cards, 6 customer IPs, 7-9 declines (customer, card, IP),
# 10 customer history (hash), 11 the card paid before (string), 12-14 flags
# (customer, card, IP). ARGV: now ms, payment id, card, ip, has customer,
# has ip, then the windows in ms in the order of WINDOWS.
_OBSERVE = """
local now = tonumber(ARGV[1])
local pid, card, ip = ARGV[2], ARGV[3], ARGV[4]
local has_customer, has_ip = ARGV[5] == '1', ARGV[6] == '1'
local w = {}
for i = 7, 14 do w[#w + 1] = tonumber(ARGV[i]) end
local function count(key, window)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  return redis.call('ZCARD', key)
end
local function add(key, member, window)
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
  redis.call('ZADD', key, now, member)
  redis.call('PEXPIRE', key, window)
  return redis.call('ZCARD', key)
end
local out = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
out[2] = add(KEYS[2], pid, w[2])
out[8] = count(KEYS[8], w[7])
local flags = count(KEYS[13], w[8])
if has_ip then
  out[3] = add(KEYS[3], pid, w[3])
  if redis.call('EXISTS', KEYS[11]) == 1 then
    out[4] = count(KEYS[4], w[4])
  else
    out[4] = add(KEYS[4], card, w[4])
  end
  out[9] = count(KEYS[9], w[7])
  flags = math.max(flags, count(KEYS[14], w[8]))
end
if has_customer then
  out[1] = add(KEYS[1], pid, w[1])
  out[5] = add(KEYS[5], card, w[5])
  if has_ip then
    local known = count(KEYS[6], w[6])
    if known > 0 and not redis.call('ZSCORE', KEYS[6], ip) then out[6] = 1 end
  end
  out[7] = count(KEYS[7], w[7])
  local h = redis.call('HMGET', KEYS[10], 'count', 'sum')
  out[10] = tonumber(h[1]) or 0
  out[11] = tonumber(h[2]) or 0
  flags = math.max(flags, count(KEYS[12], w[8]))
end
out[12] = flags
return out
"""


# Add the attempt to the (customer, card, IP) windows it has. KEYS: customer,
# card, IP; ARGV: now ms, payment id, has customer, has ip, window s.
_MARK = """
local function mark(customer, card, ip, now, pid, has_c, has_ip, window)
  local chosen = {card}
  if has_c == '1' then chosen[#chosen + 1] = customer end
  if has_ip == '1' then chosen[#chosen + 1] = ip end
  for _, key in ipairs(chosen) do
    redis.call('ZADD', key, now, pid)
    redis.call('EXPIRE', key, window)
  end
end
"""
_FLAG = _MARK + "mark(KEYS[1], KEYS[2], KEYS[3], unpack(ARGV))"
# KEYS: 1 card paid, 2 history, 3 customer IPs, 4-6 declines (customer, card,
# IP). ARGV: 1 succeeded, 2 amount, 3 history s, 4 IPs s, 5 ip, then _MARK's
# ARGV (6 now ms, 7 payment id, 8 has customer, 9 has ip, 10 window s).
_SETTLE = (
    _MARK
    + """
if ARGV[1] == '1' then
  redis.call('SET', KEYS[1], 1, 'EX', ARGV[3])
  if ARGV[8] == '1' then
    redis.call('HINCRBY', KEYS[2], 'count', 1)
    redis.call('HINCRBY', KEYS[2], 'sum', ARGV[2])
    redis.call('EXPIRE', KEYS[2], ARGV[3])
    if ARGV[9] == '1' then
      redis.call('ZADD', KEYS[3], ARGV[6], ARGV[5])
      redis.call('EXPIRE', KEYS[3], ARGV[4])
    end
  end
else
  mark(KEYS[4], KEYS[5], KEYS[6], ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10])
end
"""
)


class RedisFraudSignals:
    def __init__(self, redis: Redis, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix + "fraud:"
        self._observe = redis.register_script(_OBSERVE)
        self._settle = redis.register_script(_SETTLE)
        self._flag = redis.register_script(_FLAG)

    def _keys(self, attempt: Attempt) -> list[str]:
        p, c, f, i = self._prefix, attempt.customer_id, attempt.card, attempt.ip
        return [
            f"{p}c:{c}:pay",
            f"{p}f:{f}:pay",
            f"{p}i:{i}:pay",
            f"{p}i:{i}:cards",
            f"{p}c:{c}:cards",
            f"{p}c:{c}:ips",
            f"{p}c:{c}:declines",
            f"{p}f:{f}:declines",
            f"{p}i:{i}:declines",
            f"{p}c:{c}:history:{attempt.currency}",
            f"{p}f:{f}:paid",
            f"{p}c:{c}:flags",
            f"{p}f:{f}:flags",
            f"{p}i:{i}:flags",
        ]

    async def observe(self, attempt: Attempt, now: datetime) -> Signals:
        args: list[str | int] = [
            _ms(now),
            attempt.payment_id,
            attempt.card,
            attempt.ip or "",
            int(attempt.customer_id is not None),
            int(attempt.ip is not None),
            *(seconds * 1000 for seconds in WINDOWS.values()),
        ]
        found = [int(n) for n in await self._observe(self._keys(attempt), args)]
        return Signals(
            customer_payments=found[0],
            card_payments=found[1],
            ip_payments=found[2],
            ip_cards=found[3],
            customer_cards=found[4],
            new_ip=found[5] == 1,
            customer_declines=found[6],
            card_declines=found[7],
            ip_declines=found[8],
            history_count=found[9],
            history_sum=found[10],
            recent_flags=found[11],
        )

    async def settled(
        self, attempt: Attempt, succeeded: bool, amount: int, now: datetime
    ) -> None:
        """A completed payment joins the customer's history, makes its IP one
        they pay from and its card one that paid; a declined one counts
        against its customer, card and IP for a day. One script call."""
        keys = self._keys(attempt)
        args = self._mark_args(attempt, now, WINDOWS["declines"])
        await self._settle(
            [keys[10], keys[9], keys[5], *keys[6:9]],
            [
                int(succeeded),
                amount,
                HISTORY_SECONDS,
                WINDOWS["customer_ips"],
                attempt.ip or "",
                *args,
            ],
        )

    async def flagged(self, attempt: Attempt, now: datetime) -> None:
        """Held or blocked: its customer, card and IP are flagged for a day."""
        keys = self._keys(attempt)[11:14]
        await self._flag(keys, self._mark_args(attempt, now, WINDOWS["flags"]))

    @staticmethod
    def _mark_args(attempt: Attempt, now: datetime, window: int) -> list[str | int]:
        return [
            _ms(now),
            attempt.payment_id,
            int(attempt.customer_id is not None),
            int(attempt.ip is not None),
            window,
        ]


def _ms(at: datetime) -> int:
    return int(at.timestamp() * 1000)
