"""Closed-loop HTTP/1.1 driver: capacity, not latency under a schedule.

Each of `concurrency` keep-alive connections sends its next request as soon as the
previous answer arrives, for `duration` seconds; throughput is then what the server
(and its database) can sustain with that many requests in flight. Latency is from
the actual send, so it describes the server at saturation, not a user's wait at a
given arrival rate (that is what the open-loop generator, `openloop.py`, is for).

Bounded like the open loop: no new request after `duration`, anything in flight
longer than `timeout` is written off, so a run ends by `duration + timeout + 1` s.
Reuses the raw connection (`rawhttp.py`), RSS sampler and report of the open loop.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Collection, Sequence

from procstat import RssSampler
from rawhttp import KeepAliveConnection, Target
from report import RunReport, latency_summary_ms

_clock = time.perf_counter
_WATCHDOG_S = 0.05
_RECONNECT_PAUSE_S = 0.05


class ClosedLoop:
    """One run; implements rawhttp's ConnectionOwner."""

    def __init__(
        self,
        target: Target,
        requests: Sequence[bytes],
        expected: Collection[int],
        *,
        concurrency: int,
        duration: float,
        timeout: float = 5.0,
        server_pid: int | None = None,
        label: str = "closed loop",
    ) -> None:
        if concurrency <= 0 or duration <= 0 or not requests:
            raise ValueError("concurrency, duration and requests must be positive")
        self.target, self.requests, self.expected = target, requests, set(expected)
        self.concurrency, self.duration, self.timeout = concurrency, duration, timeout
        self.server_pid, self.label = server_pid, label
        self.live: set[KeepAliveConnection] = set()
        self._latencies: list[float] = []
        self._errors: Counter[str] = Counter()
        self._connect_failures = 0
        self._sent = self._completed = 0
        self._in_flight = 0
        self._deadline = 0.0
        self._last_done = 0.0
        self._stopping = False
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop = asyncio.get_running_loop()
        self._drained = self._loop.create_future()

    async def run(self) -> RunReport:
        conns = await asyncio.gather(*(self._open() for _ in range(self.concurrency)))
        if not self.live:
            raise ConnectionError(f"cannot connect to {self.target.host_header}")
        sampler = RssSampler(self.server_pid) if self.server_pid else None
        if sampler:
            sampler.start()
        cpu0, t0 = time.process_time(), _clock()
        self._deadline = t0 + self.duration
        watchdog = asyncio.create_task(self._watchdog())
        for conn in conns:
            if conn is not None:
                self._send(conn)
        await asyncio.sleep(self.duration)
        if self._in_flight and not self._drained.done():
            await asyncio.wait([self._drained], timeout=self.timeout + 1.0)
        self._stopping = True
        watchdog.cancel()
        elapsed = max(self._last_done - t0, self.duration)
        cpu_s = time.process_time() - cpu0
        self._errors["unfinished"] += self._in_flight
        for conn in list(self.live):
            conn.transport.abort()
        if sampler:
            sampler.stop()
        return RunReport(
            label=self.label,
            offered_rate=0.0,  # closed loop: nothing is offered, see `concurrency`
            duration_s=self.duration,
            scheduled=self._sent,
            completed=self._completed,
            ok=len(self._latencies),
            elapsed_s=round(elapsed, 3),
            connections=self.concurrency,
            errors={k: v for k, v in self._errors.items() if v},
            connect_failures=self._connect_failures,
            latency_ms=latency_summary_ms(self._latencies),
            mean_send_lag_ms=0.0,
            max_send_lag_ms=0.0,
            client_cpu_pct=round(cpu_s / elapsed * 100, 1),
            server_pid=self.server_pid,
            server_rss_mib=sampler.summary_mib() if sampler else None,
        )

    def _send(self, conn: KeepAliveConnection) -> None:
        now = _clock()
        if self._stopping or now >= self._deadline:
            return
        request = self.requests[self._sent % len(self.requests)]
        self._sent += 1
        self._in_flight += 1
        conn.send(request, now)

    def _finish(self, error: str | None = None) -> None:
        if error:
            self._errors[error] += 1
        self._in_flight -= 1
        self._last_done = _clock()
        if (
            self._in_flight == 0
            and self._last_done >= self._deadline
            and not self._drained.done()
        ):
            self._drained.set_result(None)

    async def _open(self) -> KeepAliveConnection | None:
        connect = self._loop.create_connection(
            lambda: KeepAliveConnection(self), self.target.host, self.target.port
        )
        try:
            _, conn = await asyncio.wait_for(connect, self.timeout)
        except (OSError, TimeoutError):
            self._connect_failures += 1
            return None
        if self._stopping:
            conn.transport.abort()
            return None
        return conn

    async def _replace_connection(self) -> None:
        while not self._stopping and _clock() < self._deadline:
            conn = await self._open()
            if conn is not None:
                self._send(conn)
                return
            await asyncio.sleep(_RECONNECT_PAUSE_S)

    # ConnectionOwner -----------------------------------------------------------

    def on_made(self, conn: KeepAliveConnection) -> None:
        self.live.add(conn)

    def on_response(self, conn: KeepAliveConnection, status: int) -> None:
        now = _clock()
        conn.busy = False
        self._completed += 1
        if status in self.expected:
            self._latencies.append(now - conn.intended)
        self._finish(None if status in self.expected else f"status_{status}")
        if conn.parser.will_close:
            conn.transport.close()
        elif conn in self.live:
            self._send(conn)

    def fail(self, conn: KeepAliveConnection, kind: str) -> None:
        if conn.busy:
            conn.busy = False
            self._finish(kind)
        conn.transport.abort()

    def on_lost(self, conn: KeepAliveConnection) -> None:
        self.live.discard(conn)
        if conn.busy:
            conn.busy = False
            self._finish("connection_lost")
        if not self._stopping:
            task = self._loop.create_task(self._replace_connection())
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _watchdog(self) -> None:
        while True:
            await asyncio.sleep(_WATCHDOG_S)
            now = _clock()
            for conn in list(self.live):
                if conn.busy and now - conn.intended > self.timeout:
                    self.fail(conn, "timeout")


def render_closed(report: RunReport) -> str:
    """RunReport.render() with the open-loop 'offered' line made truthful."""
    lines = report.render().splitlines()
    lines[1] = (
        f"closed    {report.connections} requests in flight for"
        f" {report.duration_s:g} s ({report.scheduled} sent)"
    )
    lines = [
        f"client    cpu {report.client_cpu_pct:.0f}% of one core"
        if line.startswith("client    ")
        else line
        for line in lines
    ]
    return "\n".join(lines)
