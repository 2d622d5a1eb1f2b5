"""Who used the CPU during a run: the server tree, PostgreSQL (this bench's
database and the shared background processes), Redis, MariaDB (the whole
server: the legacy bench), the load generator, and
everything else ("other": a neighbour's test suite and its databases, say).

The machine is shared, so a slow run may be a busy machine rather than a slow
server; "other" says which. Read from /proc: /proc/stat for the whole machine,
/proc/<pid>/stat (utime + stime) per process, compared per pid between two
snapshots (a process that started in between counts whole; one that exited in
between is lost to "other"). A PostgreSQL backend is ours when its process
title names our database; the postmaster and its auxiliary processes (WAL
writer, checkpointer...) are counted as ours too, since we drive most of their
work. Backends that exit during the run (a pool that closes and reopens
connections) are not lost: the postmaster collects their CPU time as its
children's time, shown apart as "pg exited" because a neighbour's test
databases land there too.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from procstat import process_tree

_PROC = Path("/proc")
_TICK = os.sysconf("SC_CLK_TCK")
CATEGORIES = ("server", "postgres", "pg_exited", "redis", "mariadb", "client")


def _machine_busy_s() -> float:
    first = (_PROC / "stat").read_text().split("\n", 1)[0]
    fields = [int(x) for x in first.split()[1:]]
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / _TICK  # guest time is inside user/nice


def _stat(pid: int) -> tuple[str, list[str]] | None:
    try:
        raw = (_PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # fields from the 3rd on: state, ppid, ..., utime [11], stime [12],
    # cutime [13], cstime [14]
    return raw[raw.index("(") + 1 : raw.rindex(")")], raw[raw.rindex(")") + 2 :].split()


def _cpu_s(pid: int) -> tuple[str, float] | None:
    found = _stat(pid)
    if found is None:
        return None
    comm, rest = found
    return comm, (int(rest[11]) + int(rest[12])) / _TICK


def _postmaster_children_s() -> float:
    """CPU of the postmasters' exited (reaped) children."""
    total = 0.0
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        found = _stat(int(entry.name))
        if found is None or not found[0].startswith("postgres"):
            continue
        parent = _stat(int(found[1][1]))
        if parent is None or not parent[0].startswith("postgres"):
            total += (int(found[1][13]) + int(found[1][14])) / _TICK
    return total


def _postgres_is_ours(pid: int, database: str) -> bool:
    try:
        title = (_PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ")
    except OSError:
        return False
    text = title.decode(errors="replace")
    is_backend = "(" in text or "[local]" in text  # "user db 127.0.0.1(port) idle"
    if not is_backend:  # the postmaster and auxiliary processes
        return "autovacuum worker" not in text or (bool(database) and database in text)
    return bool(database) and f" {database} " in text


@dataclass(frozen=True, slots=True)
class CpuSnapshot:
    wall: float
    machine: float
    per_pid: dict[int, tuple[str, float]] = field(default_factory=dict)


def snapshot(server_pids: list[int], database: str = "") -> CpuSnapshot:
    wall, machine = time.monotonic(), _machine_busy_s()
    per_pid: dict[int, tuple[str, float]] = {}
    for root in server_pids:
        for pid in process_tree(root):
            found = _cpu_s(pid)
            if found:
                per_pid[pid] = ("server", found[1])
    me = os.getpid()
    for entry in _PROC.iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        if pid in per_pid:
            continue
        found = _cpu_s(pid)
        if found is None:
            continue
        comm, cpu = found
        if pid == me:
            per_pid[pid] = ("client", cpu)
        elif comm.startswith("postgres") and _postgres_is_ours(pid, database):
            per_pid[pid] = ("postgres", cpu)
        elif comm.startswith("redis"):
            per_pid[pid] = ("redis", cpu)
        elif comm.startswith(("mariadbd", "mysqld")):  # shared: any database on it
            per_pid[pid] = ("mariadb", cpu)
    per_pid[0] = ("pg_exited", _postmaster_children_s())
    return CpuSnapshot(wall, machine, per_pid)


def usage(before: CpuSnapshot, after: CpuSnapshot) -> dict[str, float]:
    """Per component, % of one core over the interval (2 cores: 200 %)."""
    wall = max(after.wall - before.wall, 1e-9)
    spent = dict.fromkeys(CATEGORIES, 0.0)
    for pid, (category, cpu) in after.per_pid.items():
        earlier = before.per_pid.get(pid)
        spent[category] += cpu - (earlier[1] if earlier else 0.0)
    found = {name: round(value / wall * 100, 1) for name, value in spent.items()}
    found["machine"] = round((after.machine - before.machine) / wall * 100, 1)
    found["other"] = round(found["machine"] - sum(found[c] for c in CATEGORIES), 1)
    return found


def render(cpu: dict[str, float]) -> str:
    return (
        f"cpu       server {cpu['server']:.0f}%  postgres {cpu['postgres']:.0f}%"
        f" (+{cpu['pg_exited']:.0f}% exited backends)  redis {cpu['redis']:.0f}%"
        + (f"  mariadb {cpu['mariadb']:.0f}%" if cpu.get("mariadb") else "")
        + f"  client {cpu['client']:.0f}%"
        f"  other {cpu['other']:.0f}%  (machine {cpu['machine']:.0f}% of"
        f" {os.cpu_count() or 0}00%)"
    )


def wait_quiet(max_busy_pct: float, max_wait_s: float, window_s: float = 2.0) -> bool:
    """Block until the whole machine was below `max_busy_pct` % busy (of one
    core) over a `window_s` window; False if that took longer than `max_wait_s`."""
    started = time.monotonic()
    waited = False
    while True:
        before = _machine_busy_s()
        time.sleep(window_s)
        busy = (_machine_busy_s() - before) / window_s * 100
        if busy < max_busy_pct:
            if waited:
                print(
                    f"quiet     after {time.monotonic() - started:.0f} s",
                    file=sys.stderr,
                )
            return True
        if time.monotonic() - started > max_wait_s:
            print(f"quiet     gave up: machine {busy:.0f}% busy", file=sys.stderr)
            return False
        if not waited:
            print(f"quiet     machine {busy:.0f}% busy, waiting", file=sys.stderr)
            waited = True


def main() -> None:
    parser = argparse.ArgumentParser(description="Wait for a quiet machine.")
    parser.add_argument("--wait-quiet", type=float, required=True, help="% of a core")
    parser.add_argument("--max-wait", type=float, default=300.0, help="seconds")
    args = parser.parse_args()
    wait_quiet(args.wait_quiet, args.max_wait)


if __name__ == "__main__":
    main()
