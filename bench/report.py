"""Report benchmark: the periodic report over a month and a year on 1,200,000 dossiers.

    .venv/bin/python bench/report.py [--dossiers 1200000] [--runs 5] [--only sqlite|postgres]

Ten years at the reference rate (about 9,400 a month), seeded with bench/lib/bulk.py, on
SQLite and PostgreSQL in one run. Prints the figures and writes bench/results/report.json.
Targets: under 1 s for a month, under 5 s for a year.
"""

import argparse
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.extensions import db  # noqa: E402
from app.lib.time import local_today  # noqa: E402
from app.services.reporting import reports  # noqa: E402
from bench.lib import results  # noqa: E402
from bench.lib.bulk import seed  # noqa: E402
from bench.lib.db import backends, bench_app, seed_timed  # noqa: E402

RESULTS = results.RESULTS / "report.json"
TARGETS = {"month": 1.0, "year": 5.0}


def periods() -> dict[str, tuple[date, date]]:
    """The last full month and the last twelve full months."""
    first_of_month = local_today().replace(day=1)
    month_end = first_of_month - timedelta(days=1)
    return {"month": (month_end.replace(day=1), month_end),
            "year": (first_of_month.replace(year=first_of_month.year - 1), month_end)}


def measure(app, runs: int) -> dict:
    out = {}
    with app.app_context():
        for name, (start, end) in periods().items():
            times = []
            for _ in range(runs):
                db.session.expire_all()
                t0 = time.perf_counter()
                report = reports.build(start, end, "national")
                times.append(time.perf_counter() - t0)
            out[name] = {"start": start.isoformat(), "end": end.isoformat(),
                         "median_s": round(statistics.median(times), 3), "max_s": round(max(times), 3),
                         "received": report.total.counts["received"],
                         "resolved": report.total.counts["resolved"],
                         "target_s": TARGETS[name], "meets": max(times) < TARGETS[name]}
            print(f"  {name:5} {start} – {end}: median {out[name]['median_s']} s, "
                  f"max {out[name]['max_s']} s, {out[name]['received']:,} received", flush=True)
    return out


def run(name: str, url: str, n: int, runs: int) -> dict:
    print(f"\n{name}: seeding {n:,} dossiers over ten years ...", flush=True)
    with bench_app(url) as app:
        _info, seeded = seed_timed(app, seed, n, years=10)
        print(f"  seeded in {seeded:.0f} s", flush=True)
        figures = measure(app, runs)
    return {"dossiers": n, "seed_seconds": round(seeded, 1), "runs": runs, "periods": figures,
            **results.load()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=1_200_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    out = {"measured": time.strftime("%Y-%m-%d %H:%M"), "targets_s": TARGETS, "backends": {
        name: run(name, url, args.dossiers, args.runs) for name, url in backends(args.only, "bench_report")}}
    print(f"\nwrote {results.shown(results.save_backends(RESULTS, out, args.only))}")


if __name__ == "__main__":
    main()
