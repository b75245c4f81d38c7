"""Results: the machine and its load beside each figure, JSON files under bench/results/.

Every results file gets a "machine" entry (CPUs, memory, Python, commit, the `uptime` line and
load averages when written): on a machine shared with others, figures without the load they
were taken under mean little.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS = ROOT / "bench" / "results"
PACKAGES = ("flask", "gunicorn", "sqlalchemy", "werkzeug", "flask-limiter", "flask-compress", "pillow")


def uptime() -> str:
    """The `uptime` line (time, up, users, load averages)."""
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=5).stdout.strip()
    return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def load() -> dict:
    return {"uptime": uptime(), "loadavg": [round(x, 2) for x in os.getloadavg()]}


def db_version(url: str | None) -> str | None:
    if not url:
        return None
    if url.startswith("sqlite"):
        import sqlite3

        return "SQLite " + sqlite3.sqlite_version
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return "PostgreSQL " + conn.execute(text("SHOW server_version")).scalar_one()
    finally:
        engine.dispose()


def machine(db_url: str | None = None, packages=PACKAGES) -> dict:
    """What the figures were taken on, and under which load (now)."""
    from importlib.metadata import PackageNotFoundError, version

    versions = {}
    for p in packages:
        with contextlib.suppress(PackageNotFoundError):
            versions[p] = version(p)
    info = {
        "nproc": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "cpu_model": "", "memory_gb": None,
        "python": platform.python_version(), "platform": platform.platform(),
        "packages": versions, "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()], "uptime_at_end": uptime(),
    }
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu_model"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        info["memory_gb"] = round(kb / 1024 / 1024, 1)
    if db_url:
        info["db_version"] = db_version(db_url)
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        info["commit"] = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                                        capture_output=True, text=True, timeout=5).stdout.strip()
    # A copy of the tree (git archive) has no history: its runner says which commit it is.
    info["commit"] = info.get("commit") or os.environ.get("BENCH_COMMIT", "")
    return info


def write_json(path: Path, data: dict) -> Path:
    """Write atomically (a reader never sees half a file); returns the path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")
    os.replace(tmp, path)
    return path


def read_json(path: Path) -> dict:
    with contextlib.suppress(OSError, ValueError):
        data = json.loads(path.read_text())
        if isinstance(data, dict):
            return data
    return {}


def save_runs(path: Path, benchmark: str, key: str, report: dict, field: str = "runs") -> Path:
    """Keep one entry per key (a database kind) under `field`, so a PostgreSQL run does not erase
    the SQLite one; the machine and its load are the entry's own."""
    runs = read_json(path).get(field) or {}
    runs[key] = report
    return write_json(path, {"benchmark": benchmark, field: runs})


def save_backends(path: Path, results: dict, only: str | None) -> Path:
    """The in-process benchmarks' shape: {..., "backends": {kind: figures}}, with the machine and
    its load; with --only, the other backend's figures from the last run are kept."""
    kept = read_json(path).get("backends", {}) if only else {}
    results = results | {"backends": kept | results.get("backends", {}), "machine": machine()}
    return write_json(path, results)


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
