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
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib import results  # noqa: E402
from bench.lib.db import backends, bench_app, where  # noqa: E402
from bench.lib.measure import timed  # noqa: E402

RESULTS = results.RESULTS / "catalogue_search.json"
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


def run(backend: str, url: str, n: int, runs: int) -> dict:
    from app.extensions import db
    from app.services.catalogue import procedures as catalogue

    print(f"\n{backend}: {where(url)}, {n:,} procedures", flush=True)
    with bench_app(url) as app:
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
    return {"url": where(url), "procedures": n, "runs": runs, "queries": out, **results.load()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procedures", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    out = {"measured": time.strftime("%Y-%m-%d %H:%M"), "backends": {
        name: run(name, url, args.procedures, args.runs)
        for name, url in backends(args.only, "bench_catalogue_search")}}
    print(f"\nwrote {results.shown(results.save_backends(RESULTS, out, args.only))}")


if __name__ == "__main__":
    main()
