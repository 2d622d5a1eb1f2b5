"""Open-loop HTTP/1.1 load generator for loopback servers.

Open loop: request i is due at t0 + i/rate whether or not earlier ones have answered,
and its latency is measured from that intended time. A closed-loop client (send, wait,
send) slows down with the server and hides queueing ("coordinated omission"); here a
request that waits for a free keep-alive connection is charged for the wait.

Every run is bounded: `rate * duration` requests, and anything older than `timeout`
is written off, so a run ends at most `duration + timeout + 1` s after it starts.
Command-line use: `loadgen.py`.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter, deque
from collections.abc import Collection, Sequence

from procstat import RssSampler
from rawhttp import KeepAliveConnection, Target
from report import RunReport, latency_summary_ms

# The loop's own clock (uvloop: libuv's cached millisecond clock) is too coarse for
# sub-millisecond latencies, so all timestamps come from perf_counter.
_clock = time.perf_counter
# Event-loop timers have millisecond resolution: uvloop rounds a 0.4 ms sleep to 0
# and would spin a core. Sleeping at least 1 ms costs up to 1 ms of send lag, which
# is charged to latency (it is measured from the intended time) and reported.
_MIN_SLEEP_S = 0.001
_WATCHDOG_S = 0.05
_RECONNECT_PAUSE_S = 0.05


class OpenLoop:
    """One run: fixed-interval schedule over a pool of keep-alive connections."""

    def __init__(
        self,
        target: Target,
        requests: Sequence[bytes],
        expected: Collection[int],
        *,
        rate: float,
        duration: float,
        connections: int = 64,
        timeout: float = 5.0,
        server_pid: int | None = None,
        label: str = "run",
    ) -> None:
        if rate <= 0 or duration <= 0 or not requests:
            raise ValueError("rate, duration and requests must be positive/non-empty")
        self.target, self.requests, self.expected = target, requests, set(expected)
        self.rate, self.duration, self.timeout = rate, duration, timeout
        self.connections, self.server_pid, self.label = connections, server_pid, label
        self.count = max(1, round(rate * duration))
        self.live: set[KeepAliveConnection] = set()
        self._idle: list[KeepAliveConnection] = []
        self._queue: deque[tuple[int, float]] = deque()
        self._latencies: list[float] = []
        self._errors: Counter[str] = Counter()
        self._connect_failures = 0
        self._completed = self._done = 0
        self._last_done = self._max_lag = self._lag_total = 0.0
        self._stopping = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop = asyncio.get_running_loop()
        self._all_done = self._loop.create_future()

    async def run(self) -> RunReport:
        await asyncio.gather(*(self._open() for _ in range(self.connections)))
        if not self.live:
            raise ConnectionError(f"cannot connect to {self.target.host_header}")
        sampler = RssSampler(self.server_pid) if self.server_pid else None
        if sampler:
            sampler.start()
        cpu0, t0 = time.process_time(), _clock() + 0.01
        watchdog = asyncio.create_task(self._watchdog())
        await self._schedule(t0)
        await asyncio.wait([self._all_done], timeout=self.timeout + 1.0)
        self._stopping = True
        watchdog.cancel()
        end = _clock() if self._done < self.count else self._last_done
        # A server that keeps up finishes with the schedule; one that lags stretches it.
        elapsed = max(end - t0, self.duration)
        cpu_s = time.process_time() - cpu0
        for conn in list(self.live):
            conn.transport.abort()
        if sampler:
            sampler.stop()
        return self._report(elapsed, cpu_s, sampler)

    def _report(
        self, elapsed: float, cpu_s: float, sampler: RssSampler | None
    ) -> RunReport:
        self._errors["unfinished"] += self.count - self._done
        return RunReport(
            label=self.label,
            offered_rate=self.rate,
            duration_s=self.duration,
            scheduled=self.count,
            completed=self._completed,
            ok=len(self._latencies),
            elapsed_s=round(elapsed, 3),
            connections=self.connections,
            errors={k: v for k, v in self._errors.items() if v},
            connect_failures=self._connect_failures,
            latency_ms=latency_summary_ms(self._latencies),
            mean_send_lag_ms=round(self._lag_total / self.count * 1000, 3),
            max_send_lag_ms=round(self._max_lag * 1000, 3),
            client_cpu_pct=round(cpu_s / elapsed * 100, 1),
            server_pid=self.server_pid,
            server_rss_mib=sampler.summary_mib() if sampler else None,
        )

    async def _schedule(self, t0: float) -> None:
        interval, seq = 1.0 / self.rate, 0
        while seq < self.count:
            due = t0 + seq * interval
            now = _clock()
            if due > now:
                await asyncio.sleep(max(due - now, _MIN_SLEEP_S))
                continue
            lag = now - due
            self._lag_total += lag
            self._max_lag = max(self._max_lag, lag)
            if self._idle:
                self._idle.pop().send(self.requests[seq % len(self.requests)], due)
            else:
                self._queue.append((seq, due))
            seq += 1

    async def _open(self) -> bool:
        host, port = self.target.host, self.target.port
        connect = self._loop.create_connection(
            lambda: KeepAliveConnection(self), host, port
        )
        try:
            _, conn = await asyncio.wait_for(connect, self.timeout)
        except (OSError, TimeoutError):
            self._connect_failures += 1
            return False
        if self._stopping:
            conn.transport.abort()
        else:
            self._release(conn)
        return True

    async def _replace_connection(self) -> None:
        """Keep the pool at full size; pause between attempts if the server is down."""
        while not self._stopping:
            if await self._open():
                return
            await asyncio.sleep(_RECONNECT_PAUSE_S)

    def _release(self, conn: KeepAliveConnection) -> None:
        now = _clock()
        while self._queue:
            seq, due = self._queue.popleft()
            if now - due > self.timeout:
                self._finish("timeout_queued")
                continue
            conn.send(self.requests[seq % len(self.requests)], due)
            return
        self._idle.append(conn)

    def on_response(self, conn: KeepAliveConnection, status: int) -> None:
        now = _clock()
        conn.busy = False
        self._completed += 1
        if status in self.expected:
            self._latencies.append(now - conn.intended)
        self._finish(None if status in self.expected else f"status_{status}")
        if conn.parser.will_close:
            conn.transport.close()
        elif not self._stopping and conn in self.live:
            self._release(conn)

    def on_made(self, conn: KeepAliveConnection) -> None:
        self.live.add(conn)

    def fail(self, conn: KeepAliveConnection, kind: str) -> None:
        if conn.busy:
            conn.busy = False
            self._finish(kind)
        conn.transport.abort()

    def on_lost(self, conn: KeepAliveConnection) -> None:
        self.live.discard(conn)
        if conn in self._idle:
            self._idle.remove(conn)
        if conn.busy:
            conn.busy = False
            self._finish("connection_lost")
        if not self._stopping:
            task = self._loop.create_task(self._replace_connection())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    def _finish(self, error: str | None = None) -> None:
        if error:
            self._errors[error] += 1
        self._done += 1
        self._last_done = _clock()
        if self._done == self.count and not self._all_done.done():
            self._all_done.set_result(None)

    async def _watchdog(self) -> None:
        """Write off requests older than `timeout`, so a stuck server cannot hang us."""
        while True:
            await asyncio.sleep(_WATCHDOG_S)
            now = _clock()
            for conn in list(self.live):
                if conn.busy and now - conn.intended > self.timeout:
                    self.fail(conn, "timeout")
            while self._queue and now - self._queue[0][1] > self.timeout:
                self._queue.popleft()
                self._finish("timeout_queued")
