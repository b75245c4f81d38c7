"""Benchmark catalogue search on a large catalogue: the ranking alone and the whole page.

    .venv/bin/python bench/catalogue_search.py [--procedures 2000] [--runs 30] [--only sqlite|postgres]

Loads the demo catalogue, then adds generated procedures (the demo names with the
qualifiers real catalogues use: "cấp lại", "đối với tổ chức", …) up to N in all, spread
over the 20 departments. Times `catalogue.find()` as the page calls it (one narrow query with
the SQL prefilter, the ranking, the first 100 loaded) and the whole request through the Flask
test client (routing, queries, template), for typical searches and for the whole list (what
the service worker keeps). Wall-clock and this process's CPU time (steadier when the machine
is shared). Prints a table and writes bench/results/catalogue_search.json.
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

from bench.staff_queue import PG_URL, make_app, prepare  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "catalogue_search.json"
QUALIFIERS = ["", "cấp lại", "điều chỉnh", "gia hạn", "đối với tổ chức", "đối với cá nhân",
              "trong khu công nghiệp", "lần đầu", "do bị mất", "do hết hạn", "cấp huyện", "cấp xã"]
QUERIES = ["đăng ký kinh doanh", "ho tich", "cccd", "giay phep xay dung", "cap lai giay chung nhan",
           "cấp", "2.000635", "xyz qwerty", "thủ tục đăng ký kinh doanh ở đâu"]


def seed(n: int) -> None:
    """The demo catalogue plus generated procedures, N in all."""
    from app.extensions import db
    from app.models import Agency, Procedure
    from app.services.catalogue.procedures import search_text_for
    from app.services.catalogue.seed import DEMO_FILE, load_catalogue

    load_catalogue()
    demo = json.loads(DEMO_FILE.read_text(encoding="utf-8"))["procedures"]
    agencies = {a.code: a for a in db.session.execute(db.select(Agency)).scalars()}
    for i in range(max(0, n - len(demo))):
        row = demo[i % len(demo)]
        qualifier = QUALIFIERS[(i // len(demo)) % len(QUALIFIERS)] or f"mẫu {i}"
        agency = agencies[row["agency"]]
        proc = Procedure(code=f"9.{i:06d}", name=f"{row['name']} ({qualifier})", field=row["field"],
                         agency=agency, processing_time=row["processing_time"],
                         time_unit=row["time_unit"], fee=row.get("fee", 0), form_fields=[])
        proc.search_text = search_text_for(proc, agency)
        db.session.add(proc)
    db.session.commit()


def timed(fn, runs: int) -> dict:
    """Wall-clock p50/p95 and this process's CPU time p50 (steadier on a shared machine)."""
    fn()  # warm: caches, connections
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    wall.sort()
    return {"p50_ms": round(statistics.median(wall), 1),
            "p95_ms": round(wall[max(0, int(len(wall) * 0.95) - 1)], 1),
            "cpu_p50_ms": round(statistics.median(cpu), 1)}


def run(backend: str, url: str, n: int, runs: int) -> dict:
    from app.extensions import db
    from app.services.catalogue import procedures as catalogue
    print(f"\n{backend}: {url.split('@')[-1]}, {n:,} procedures", flush=True)
    with tempfile.TemporaryDirectory() as blobs:
        app = make_app(url, blobs)
        prepare(app)
        with app.app_context():
            seed(n)
        client = app.test_client()
        out = {}
        for query in [*QUERIES, ""]:
            with app.app_context():
                found = catalogue.find(query, limit=catalogue.SHOWN)
                service = timed(lambda q=query: catalogue.find(q, limit=catalogue.SHOWN), runs)
                db.session.remove()
            page = timed(lambda q=query: client.get("/thu-tuc", query_string={"q": q}), runs)
            label = query or "(no query: the whole list)"
            out[label] = {"found": found.total, "listed": len(found.procedures), "partial": found.partial,
                          "find": service, "page": page}
            print(f"  {label:34} {found.total:5} found   find p50 {service['p50_ms']:6.1f} "
                  f"p95 {service['p95_ms']:6.1f} cpu {service['cpu_p50_ms']:5.1f}   "
                  f"page p50 {page['p50_ms']:6.1f} p95 {page['p95_ms']:6.1f} "
                  f"cpu {page['cpu_p50_ms']:5.1f} ms", flush=True)
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    return {"url": url.split("@")[-1], "procedures": n, "runs": runs, "queries": out,
            "load_average_after": [round(x, 2) for x in os.getloadavg()], "cpus": os.cpu_count()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    sqlite_path = Path(tempfile.gettempdir()) / "bench_catalogue_search.sqlite3"
    backends = {"sqlite": f"sqlite:///{sqlite_path}", "postgres": PG_URL}
    results = {"measured": time.strftime("%Y-%m-%d %H:%M"), "backends": {}}
    for name, url in backends.items():
        if args.only and name != args.only:
            continue
        if name == "sqlite":
            for suffix in ("", "-wal", "-shm"):
                Path(f"{sqlite_path}{suffix}").unlink(missing_ok=True)
        results["backends"][name] = run(name, url, args.procedures, args.runs)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
    print(f"\nwrote {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
