"""Login throttling policy: free failures in a window, then exponential back-off.

The counters live in a store (Redis or memory); the arithmetic lives here.
"""

from dataclasses import dataclass
from math import ceil


@dataclass(frozen=True, slots=True)
class ThrottlePolicy:
    free_failures: int = 5
    window_seconds: int = 15 * 60
    base_delay_seconds: int = 30
    max_delay_seconds: int = 15 * 60

    def lockout_seconds(self, failures: int) -> int:
        """How long to refuse attempts after `failures` failures in the window.

        Capped, and the window expires, so an owner is never locked out for good.
        """
        if failures < self.free_failures:
            return 0
        doublings = min(failures - self.free_failures, 16)
        delay: int = self.base_delay_seconds * (1 << doublings)
        return min(delay, self.max_delay_seconds)

    def retry_after(
        self, failures: int, last_failure_ts: float, now_ts: float
    ) -> int | None:
        """Seconds until an attempt is allowed again, or None when it is now."""
        remaining = last_failure_ts + self.lockout_seconds(failures) - now_ts
        return ceil(remaining) if remaining > 0 else None


ACCOUNT_POLICY = ThrottlePolicy()
# Many people can share one address (NAT, offices): more room before back-off.
IP_POLICY = ThrottlePolicy(free_failures=50)
