"""Measuring: percentiles, timing a call, and CPU — the servers', the database's, and what other
processes on a shared machine took (which makes a figure less trustworthy)."""

from __future__ import annotations

import contextlib
import math
import os
import statistics
import time
from pathlib import Path


def percentile(sorted_values: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default)."""
    if not sorted_values:
        return float("nan")
    k = (len(sorted_values) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def nearest_rank(sorted_values: list[float], q: float) -> float:
    """The smallest value with at least q % of the values at or below it (for few samples)."""
    return sorted_values[max(0, math.ceil(len(sorted_values) * q / 100) - 1)]


def summarise(latencies_ms: list[float], digits: int = 2) -> dict:
    """p50/p95/p99/max in ms (None when there is nothing)."""
    values = sorted(latencies_ms)
    if not values:
        return {"p50_ms": None, "p95_ms": None, "p99_ms": None, "max_ms": None}
    return {"p50_ms": round(percentile(values, 50), digits),
            "p95_ms": round(percentile(values, 95), digits),
            "p99_ms": round(percentile(values, 99), digits), "max_ms": round(values[-1], digits)}


def few(times_ms: list[float]) -> dict:
    """p50 (median), p95 (nearest rank) and max of a few timings, to 0.1 ms."""
    t = sorted(times_ms)
    return {"p50_ms": round(statistics.median(t), 1), "p95_ms": round(nearest_rank(t, 95), 1),
            "max_ms": round(t[-1], 1)}


def timed(fn, runs: int) -> dict:
    """Call fn once to warm up, then `runs` times: wall-clock p50/p95 and this process's CPU p50
    (steadier on a shared machine)."""
    fn()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    out = few(wall)
    del out["max_ms"]
    return out | {"cpu_p50_ms": round(statistics.median(cpu), 1)}


def add_under(lock, into: dict, **parts) -> None:
    """into[key] += part for each part, holding `lock` (threads pooling their own tallies)."""
    with lock:
        for key, part in parts.items():
            into[key] += part


def machine_busy_seconds() -> float:
    """CPU seconds every process on the machine has used (from /proc/stat)."""
    with contextlib.suppress(OSError, ValueError, IndexError):
        fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        idle = fields[3] + fields[4]  # idle + iowait
        return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")
    return float("nan")


def other_cpu_pct(busy: float, ours: float, seconds: float) -> float | None:
    """CPU that neither the servers, their database nor the load generator used, in % of the
    machine: other work on a shared machine, which makes a run less trustworthy."""
    if seconds <= 0 or busy != busy:
        return None
    return round(max(0.0, busy - ours) / seconds / (os.cpu_count() or 1) * 100, 1)


def process_cpu_seconds(pid: int) -> float:
    with contextlib.suppress(OSError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


class DatabaseCpu:
    """CPU used by the PostgreSQL backends serving the benchmark's database (the server runs on
    this machine). With SQLite the database works inside the app's workers: nothing to add."""

    def __init__(self, url: str | None):
        self.engine = self.name = None
        if url and url.startswith("postgresql"):
            from sqlalchemy import create_engine
            from sqlalchemy.engine import make_url
            from sqlalchemy.pool import NullPool

            self.engine, self.name = create_engine(url, poolclass=NullPool), make_url(url).database

    def snapshot(self) -> dict[int, float]:
        if self.engine is None:
            return {}
        from sqlalchemy import text

        with self.engine.connect() as conn:
            pids = conn.execute(text("SELECT pid FROM pg_stat_activity WHERE datname = :name "
                                     "AND pid <> pg_backend_pid()"), {"name": self.name}).scalars().all()
        return {pid: process_cpu_seconds(pid) for pid in pids}

    def since(self, before: dict[int, float]) -> float | None:
        if self.engine is None:
            return None
        return sum(max(0.0, cpu - before.get(pid, 0.0)) for pid, cpu in self.snapshot().items())

    def dispose(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


def wait_until_quiet(max_wait: float, threshold: float = 10.0) -> float | None:
    """Wait (at most `max_wait` s) until other processes use under `threshold` % of the machine
    for a whole second, so that a phase does not start while something else is busy; return
    the last background CPU % seen (None when not checked)."""
    if max_wait <= 0:
        return None
    deadline, told = time.monotonic() + max_wait, False
    while True:
        busy0, t0 = machine_busy_seconds(), time.monotonic()
        time.sleep(1.0)
        pct = (machine_busy_seconds() - busy0) / (time.monotonic() - t0) / (os.cpu_count() or 1) * 100
        if pct < threshold or time.monotonic() >= deadline:
            if pct >= threshold:
                print(f"  (machine still busy: {pct:.0f} % CPU used by other processes; going on)",
                      flush=True)
            return round(pct, 1)
        if not told:
            print(f"  waiting for other processes to calm down ({pct:.0f} % CPU) ...", flush=True)
            told = True
