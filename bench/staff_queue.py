"""Benchmark the staff queue on 200,000 dossiers: p95 per view, SQLite and PostgreSQL in one run.

    .venv/bin/python bench/staff_queue.py [--dossiers 200000] [--runs 40] [--only sqlite|postgres]

Seeds the demo catalogue (20 departments), the holiday table and N dossiers spread over two
years with realistic statuses (mostly returned, a month's worth open, some overdue), by bulk
insert; then signs in and times the whole request (routing, queries, template) for the
default view and each filter, through the Flask test client. Prints a table and writes
bench/results/staff_queue.json. Target: p95 < 150 ms everywhere.
"""

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flask_migrate import upgrade  # noqa: E402

from app import create_app  # noqa: E402
from app.config import Config  # noqa: E402
from app.extensions import db  # noqa: E402
from bench.staff_seed import seed  # noqa: E402

PG_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test_bench")
TARGET_MS = 150
RESULTS = ROOT / "bench" / "results" / "staff_queue.json"


def make_app(url: str, blobs: str):
    class BenchConfig(Config):
        SQLALCHEMY_DATABASE_URI = url
        SECRET_KEY = "bench-only"
        BLOB_STORE = blobs
        WTF_CSRF_ENABLED = False  # the bench signs in with a plain POST
        RATELIMIT_ENABLED = False

    return create_app(BenchConfig)


def prepare(app) -> None:
    """Start from an empty schema built by the migrations."""
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        upgrade()


def scenarios(info: dict) -> list[tuple[str, str, str, dict]]:
    """(name, who, URL, headers) for the default view and each filter."""
    htmx = {"HX-Request": "true", "HX-Target": "queue-results"}
    return [
        ("default (reception, all agencies)", "reception", "/staff/", {}),
        ("default, htmx fragment", "reception", "/staff/", htmx),
        ("default (department, own agency)", "department", "/staff/", {}),
        ("status=all", "reception", "/staff/?status=all", {}),
        ("status=4 processing", "reception", "/staff/?status=4", {}),
        ("status=10 returned, page 200", "reception", "/staff/?status=10&page=200", {}),
        ("agency", "reception", f"/staff/?agency={info['agency_id']}", {}),
        ("agency + status=all", "reception", f"/staff/?agency={info['agency_id']}&status=all", {}),
        ("procedure", "reception", f"/staff/?procedure={info['procedure_id']}", {}),
        ("channel=1 counter", "reception", "/staff/?channel=1", {}),
        ("overdue", "reception", "/staff/?overdue=1", {}),
        ("overdue + status=all", "reception", "/staff/?overdue=1&status=all", {}),
        ("due within 2 working days", "reception", "/staff/?soon=1", {}),
        ("search: name", "reception", f"/staff/?q={info['name']}", {}),
        ("search: name, status=all", "reception", f"/staff/?q={info['name']}&status=all", {}),
        ("search: phone", "reception", f"/staff/?q={info['phone']}&status=all", {}),
        ("search: code tail", "reception", f"/staff/?q={info['code_tail']}&status=all", {}),
        ("department: overdue", "department", "/staff/?overdue=1", {}),
    ]


def measure(app, info: dict, runs: int) -> dict:
    clients = {}
    for who in ("reception", "department"):
        client = app.test_client()
        response = client.post("/dang-nhap", data={"email": info[who], "password": info["password"]})
        assert response.status_code == 303, response.status_code
        clients[who] = client
    views = scenarios(info)
    for _name, who, url, headers in views:  # warm caches and connections
        for _ in range(3):
            assert clients[who].get(url, headers=headers).status_code == 200
    # Round-robin rather than one view after another: a burst of load on a shared machine
    # then spreads over every view instead of landing on one.
    times: dict[str, list[float]] = {name: [] for name, *_ in views}
    rows: dict[str, int] = {}
    for _ in range(runs):
        for name, who, url, headers in views:
            start = time.perf_counter()
            response = clients[who].get(url, headers=headers)
            times[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
            rows[name] = response.get_data(as_text=True).count('class="code">')
    out = {}
    for name, _who, url, _headers in views:
        t = sorted(times[name])
        out[name] = {"url": url, "p50_ms": round(statistics.median(t), 1),
                     "p95_ms": round(t[max(0, int(len(t) * 0.95) - 1)], 1),
                     "max_ms": round(t[-1], 1), "rows_on_page": rows[name]}
        print(f"  {name:38} p50 {out[name]['p50_ms']:7.1f}  p95 {out[name]['p95_ms']:7.1f}  "
              f"max {out[name]['max_ms']:7.1f} ms  ({rows[name]} rows)", flush=True)
    return out


def run(backend: str, url: str, n: int, runs: int) -> dict:
    print(f"\n{backend}: {url.split('@')[-1]}", flush=True)
    with tempfile.TemporaryDirectory() as blobs:
        app = make_app(url, blobs)
        prepare(app)
        with app.app_context():
            started = time.perf_counter()
            info = seed(n)
            seeded = time.perf_counter() - started
            print(f"  seeded {n:,} dossiers in {seeded:.1f} s", flush=True)
        views = measure(app, info, runs)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    worst = max(v["p95_ms"] for v in views.values())
    return {"url": url.split("@")[-1], "dossiers": n, "seed_seconds": round(seeded, 1),
            "runs_per_view": runs, "worst_p95_ms": worst, "meets_target": worst < TARGET_MS,
            "load_average_after": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count(),
            "views": views}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--sqlite-path",
                        default=str(Path(tempfile.gettempdir()) / "bench_staff_queue.sqlite3"))
    args = parser.parse_args()
    backends = {"sqlite": f"sqlite:///{args.sqlite_path}", "postgres": PG_URL}
    results = {"target_p95_ms": TARGET_MS, "measured": time.strftime("%Y-%m-%d %H:%M"), "backends": {}}
    for name, url in backends.items():
        if args.only and name != args.only:
            continue
        if name == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(args.sqlite_path + suffix).unlink(missing_ok=True)
        results["backends"][name] = run(name, url, args.dossiers, args.runs)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")
    for name, res in results["backends"].items():
        print(f"{name:9} worst p95 {res['worst_p95_ms']:.1f} ms  "
              f"{'meets' if res['meets_target'] else 'MISSES'} the {TARGET_MS} ms target")


if __name__ == "__main__":
    main()
