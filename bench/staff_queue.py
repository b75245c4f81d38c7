"""Benchmark the staff queue on 200,000 dossiers: p95 per view, SQLite and PostgreSQL in one run.

    .venv/bin/python bench/staff_queue.py [--dossiers 200000] [--runs 40] [--only sqlite|postgres]

Seeds the demo catalogue (20 departments), the holiday table and N dossiers spread over two
years with realistic statuses (mostly returned, a month's worth open, some overdue), by bulk
insert (bench/lib/bulk.py); then signs in and times the whole request (routing, queries,
template) for the default view and each filter, through the Flask test client. Prints a table
and writes bench/results/staff_queue.json. Target: p95 < 150 ms everywhere.
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib import results  # noqa: E402
from bench.lib.bulk import seed  # noqa: E402
from bench.lib.db import backends, bench_app, seed_timed, where  # noqa: E402
from bench.lib.measure import few  # noqa: E402

TARGET_MS = 150
RESULTS = results.RESULTS / "staff_queue.json"


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


def signed_in(app, info: dict) -> dict:
    """A test client signed in as each of the seeded officers."""
    clients = {}
    for who in ("reception", "department"):
        client = app.test_client()
        response = client.post("/dang-nhap", data={"email": info[who], "password": info["password"]})
        assert response.status_code == 303, response.status_code
        clients[who] = client
    return clients


def measure(app, info: dict, runs: int) -> dict:
    clients = signed_in(app, info)
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
        out[name] = {"url": url, **few(times[name]), "rows_on_page": rows[name]}
        print(f"  {name:38} p50 {out[name]['p50_ms']:7.1f}  p95 {out[name]['p95_ms']:7.1f}  "
              f"max {out[name]['max_ms']:7.1f} ms  ({rows[name]} rows)", flush=True)
    return out


def run(backend: str, url: str, n: int, runs: int) -> dict:
    print(f"\n{backend}: {where(url)}", flush=True)
    with bench_app(url) as app:
        info, seeded = seed_timed(app, seed, n)
        print(f"  seeded {n:,} dossiers in {seeded:.1f} s", flush=True)
        views = measure(app, info, runs)
    worst = max(v["p95_ms"] for v in views.values())
    return {"url": where(url), "dossiers": n, "seed_seconds": round(seeded, 1),
            "runs_per_view": runs, "worst_p95_ms": worst, "meets_target": worst < TARGET_MS,
            **results.load(), "views": views}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--sqlite-path", default=None)
    args = parser.parse_args()
    out = {"target_p95_ms": TARGET_MS, "measured": time.strftime("%Y-%m-%d %H:%M"), "backends": {
        name: run(name, url, args.dossiers, args.runs)
        for name, url in backends(args.only, "bench_staff_queue", args.sqlite_path)}}
    print(f"\nwrote {results.shown(results.save_backends(RESULTS, out, args.only))}")
    for name, res in out["backends"].items():
        print(f"{name:9} worst p95 {res['worst_p95_ms']:.1f} ms  "
              f"{'meets' if res['meets_target'] else 'MISSES'} the {TARGET_MS} ms target")


if __name__ == "__main__":
    main()
