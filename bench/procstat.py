"""Memory of the server under test, read from /proc.

A server may fork workers, so its footprint is the resident set of the whole process
tree; the peak is what matters for sizing, so it is sampled during the run rather
than read once at the end.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

_PROC = Path("/proc")
_MIB = 1024 * 1024


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in (_PROC / str(pid) / "task").iterdir():
            found += [int(c) for c in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants (via /proc/<pid>/task/*/children)."""
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo += _children(current)
    return tree


def rss_bytes(pid: int) -> int:
    """VmRSS of one process; 0 if it is gone or is a kernel thread."""
    try:
        for line in (_PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def tree_rss_bytes(pid: int) -> int:
    return sum(rss_bytes(p) for p in process_tree(pid))


class RssSampler:
    """Samples the tree's RSS on the event loop every `interval` seconds.

    Each sample is a handful of small /proc reads (tens of µs), cheap enough to share
    the load generator's loop without a thread competing for the GIL.
    """

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        self.pid = pid
        self.interval = interval
        self.start_bytes = tree_rss_bytes(pid)
        self.peak_bytes = self.last_bytes = self.start_bytes
        self._handle: asyncio.TimerHandle | None = None

    def start(self) -> None:
        self._handle = asyncio.get_running_loop().call_later(self.interval, self._tick)

    def _tick(self) -> None:
        self.sample()
        self.start()

    def sample(self) -> None:
        self.last_bytes = tree_rss_bytes(self.pid)
        self.peak_bytes = max(self.peak_bytes, self.last_bytes)

    def stop(self) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self.sample()

    def summary_mib(self) -> dict[str, float]:
        return {
            "start": round(self.start_bytes / _MIB, 1),
            "peak": round(self.peak_bytes / _MIB, 1),
            "end": round(self.last_bytes / _MIB, 1),
        }
