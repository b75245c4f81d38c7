"""Benchmark the department API's change feed: 10,000 changes read page by page at 200,000 dossiers.

    .venv/bin/python bench/agency_feed.py [--dossiers 200000] [--changes 10000] [--runs 5]
                                          [--only sqlite|postgres] [--reuse]

Seeds what bench/staff_queue.py seeds (the demo catalogue, 200,000 dossiers over two years),
plus two documents per dossier and every dossier's place in the feed (as the migration gives
existing dossiers), then reads the busiest department's feed from the start with its token,
following next_cursor, through the Flask test client (routing, token check, queries, JSON),
asking for gzip as `requests` does. Prints the figures and writes
bench/results/agency_feed.json. Target: the 10,000 changes in < 2 s in total.
"""

import argparse
import gzip
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert  # noqa: E402

from app.extensions import db  # noqa: E402
from app.lib.time import utcnow  # noqa: E402
from app.models import Blob, Document, Dossier  # noqa: E402
from app.services.integration import tokens  # noqa: E402
from bench.lib import results  # noqa: E402
from bench.lib.bulk import seed  # noqa: E402
from bench.lib.db import backends, bench_app, prepare, seed_timed, where  # noqa: E402
from bench.lib.measure import nearest_rank  # noqa: E402

TARGET_S = 2.0
RESULTS = results.RESULTS / "agency_feed.json"
FEED = "/api/v1/agency/dossiers/changes"
CHUNK = 10_000


def add_documents_and_feed() -> None:
    """Two documents per dossier, and each dossier in the feed in id order (as migration 0011 does)."""
    sha = "0" * 64
    db.session.execute(insert(Blob), [{"sha256": sha, "size": 123_456, "media_type": "application/pdf",
                                       "storage_key": sha, "created_at": utcnow()}])
    ids = db.session.execute(db.select(Dossier.id).order_by(Dossier.id)).scalars().all()
    now = utcnow()
    for start in range(0, len(ids), CHUNK):
        rows = [{"dossier_id": i, "requirement_id": None, "round": "initial", "original_name": name,
                 "media_type": "application/pdf", "size": 123_456, "sha256": sha, "created_at": now}
                for i in ids[start:start + CHUNK] for name in ("to-khai.pdf", "can-cuoc.pdf")]
        db.session.execute(insert(Document), rows)
    db.session.execute(db.text("INSERT INTO dossier_change (dossier_id, agency_id, seq) "
                               "SELECT id, agency_id, id FROM dossier"))
    # The migration made the counter row; the changes made from here on continue after the last id.
    db.session.execute(db.text("UPDATE change_counter SET value = (SELECT MAX(id) FROM dossier) "
                               "WHERE name = 'dossier'"))
    db.session.commit()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        command = "ANALYZE" if db.engine.dialect.name == "sqlite" else "VACUUM ANALYZE"
        for table in ("document", "dossier_change"):  # one statement each: VACUUM runs alone
            conn.exec_driver_sql(f"{command} {table}")


def seed_with_feed(n: int) -> int:
    """bench/lib/bulk.py's dossiers, their documents and feed; the busiest agency's id."""
    agency_id = seed(n)["agency_id"]
    add_documents_and_feed()
    return agency_id


def read_feed(client, token: str, changes: int, limit: int, gzipped: bool):
    """Follow the feed from the start until `changes` items are read.

    Returns (seconds, CPU seconds of this process, page times, bytes). On SQLite the whole
    request runs in this process, so its CPU time is what the wall time would be on an idle
    machine; the shared machine's load shows in the gap between the two.
    """
    headers = {"Authorization": f"Bearer {token}"} | ({"Accept-Encoding": "gzip, deflate"} if gzipped else {})
    after, seen, pages, sent = None, 0, [], 0
    started, cpu = time.perf_counter(), time.process_time()
    while seen < changes:
        t = time.perf_counter()
        response = client.get(FEED, query_string={"limit": min(limit, changes - seen)} | (
            {"after": after} if after else {}), headers=headers)
        raw = response.get_data()
        body = json.loads(gzip.decompress(raw) if response.headers.get("Content-Encoding") == "gzip" else raw)
        pages.append(time.perf_counter() - t)
        assert response.status_code == 200 and body["items"], response.status_code
        seen, after, sent = seen + len(body["items"]), body["next_cursor"], sent + len(raw)
    return time.perf_counter() - started, time.process_time() - cpu, pages, sent


def measure(app, agency_id: int, changes: int, runs: int) -> dict:
    with app.app_context():
        secret = tokens.issue(agency_id, "Benchmark", "read").secret
        in_feed = db.session.execute(db.select(db.func.count()).select_from(Dossier)
                                     .filter_by(agency_id=agency_id)).scalar_one()
    client = app.test_client()
    read_feed(client, secret, 1000, 500, True)  # warm caches and the connection pool
    out = {"agency_dossiers": in_feed}
    for label, limit, gzipped in (("limit=500, gzip", 500, True), ("limit=500, identity", 500, False),
                                  ("limit=100, gzip", 100, True)):
        totals, cpus, page_times, size = [], [], [], 0
        for _ in range(runs):
            total, cpu, pages, size = read_feed(client, secret, changes, limit, gzipped)
            totals.append(total)
            cpus.append(cpu)
            page_times += pages
        page_times.sort()
        out[label] = {"pages": len(page_times) // runs, "total_s_median": round(statistics.median(totals), 3),
                      "total_s_best": round(min(totals), 3), "total_s_worst": round(max(totals), 3),
                      "client_cpu_s_median": round(statistics.median(cpus), 3),
                      "page_ms_p50": round(1000 * statistics.median(page_times), 1),
                      "page_ms_p95": round(1000 * nearest_rank(page_times, 95), 1),
                      "bytes_sent": size, "meets_target": statistics.median(totals) < TARGET_S}
        r = out[label]
        print(f"  {label:22} {r['pages']:3} pages: total median {r['total_s_median']:.3f} s "
              f"(best {r['total_s_best']:.3f}, worst {r['total_s_worst']:.3f}; this process's CPU "
              f"{r['client_cpu_s_median']:.3f} s); page p50 {r['page_ms_p50']} ms, "
              f"p95 {r['page_ms_p95']} ms; {size / 1e6:.1f} MB sent", flush=True)
    return out


def busiest_agency() -> int | None:
    """The agency with the most dossiers, if the database holds the benchmark's data."""
    return db.session.execute(db.select(Dossier.agency_id).group_by(Dossier.agency_id)
                              .order_by(db.func.count().desc()).limit(1)).scalar()


def run(backend: str, url: str, n: int, changes: int, runs: int, reuse: bool) -> dict:
    print(f"\n{backend}: {where(url)}", flush=True)
    with bench_app(url, fresh=False) as app:
        with app.app_context():
            agency_id, seeded = (busiest_agency() if reuse else None), None
        if agency_id is None:
            prepare(app)
            agency_id, seeded = seed_timed(app, seed_with_feed, n)
            seeded = round(seeded, 1)
            print(f"  seeded {n:,} dossiers, {2 * n:,} documents in {seeded:.1f} s", flush=True)
        figures = measure(app, agency_id, changes, runs)
    return {"url": where(url), "dossiers": n, "changes_read": changes, "runs": runs,
            "seed_seconds": seeded, **results.load(), **figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=200_000)
    parser.add_argument("--changes", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--reuse", action="store_true", help="measure again on the last run's data")
    parser.add_argument("--sqlite-path", default=None)
    args = parser.parse_args()
    out = {"target_total_s": TARGET_S, "measured": time.strftime("%Y-%m-%d %H:%M"),
           "load_before": results.load(), "backends": {
               name: run(name, url, args.dossiers, args.changes, args.runs, args.reuse)
               for name, url in backends(args.only, "bench_agency_feed", args.sqlite_path,
                                         reset=not args.reuse)}}
    print(f"\nwrote {results.shown(results.save_backends(RESULTS, out, args.only))}")


if __name__ == "__main__":
    main()
