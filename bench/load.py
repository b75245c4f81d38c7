"""Load: 100 people for 60 s of mixed traffic (Locust, headless, on loopback) against gunicorn,
on SQLite and on PostgreSQL; 0 errors is the target, p50/p95/p99 per kind of request.

    .venv/bin/python bench/load.py [--users 100] [--duration 60] [--only sqlite|postgres]

Each backend gets a fresh instance (bench/lib/instance.py) with 10,000 seeded dossiers, two
officers (reception, leader) and the demo catalogue, served by gunicorn as `make run` would on
this machine (one worker per CPU, 4 threads). The people are bench/load_users.py: citizens
browse, search, track and submit (two ~300 KB photos, an idempotency key, some replays); officers
page through the queue, dossiers and the report. The tracking rate limit is raised for the run
(every simulated person comes from 127.0.0.1; the app's default is per client address).
After the run the database must hold exactly one new dossier per created answer.

Prints a table and writes bench/results/load.json (one entry per backend, with the machine and
its load: on a shared machine say the load beside the figures). Locust rounds its percentiles
(to 10 ms above 100 ms, to 100 ms above 1 s).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.catalogue_search import QUERIES  # noqa: E402
from bench.lib import results  # noqa: E402
from bench.lib.db import KINDS, PG_URL  # noqa: E402
from bench.lib.instance import Instance  # noqa: E402
from bench.lib.measure import DatabaseCpu, machine_busy_seconds, other_cpu_pct  # noqa: E402
from bench.lib.serve import ROOT, gunicorn_args  # noqa: E402

LOAD_PROCEDURE = "1.012345"  # two documents, both taking JPEG: two photos per submission
NO_LIMIT = "100000000 per minute"
OFFICERS = [("reception@bench", "Tiếp nhận", "reception"), ("leader@bench", "Lãnh đạo", "leader")]


def prepare(inst: Instance, n: int, photos: int, rnd: random.Random) -> tuple[Path, dict]:
    """Seed the instance's database and write what the people need (bench/load_users.py)."""
    from bench.lib.bulk import PASSWORD, add_officers
    from bench.lib.people import fake_applicant, fill_fields
    from bench.lib.photos import make_jpegs
    from bench.lib.seed import seed_database

    t0 = time.perf_counter()
    seeded = seed_database(n, rnd, submit_procedure=LOAD_PROCEDURE)
    from app import create_app
    from app.extensions import db
    from app.models import Procedure

    app = create_app()
    with app.app_context():
        add_officers(*[(email, name, role, None) for email, name, role in OFFICERS])
        codes = db.session.execute(db.select(Procedure.code).filter_by(active=True)).scalars().all()
        db.session.remove()
        db.engine.dispose()
    jpegs, info = make_jpegs(photos, rnd)
    folder = inst.tmp / "photos"
    folder.mkdir()
    for i, (data, _digest) in enumerate(jpegs):
        (folder / f"{i}.jpg").write_bytes(data)
    data = {"pairs": rnd.sample(seeded["pairs"], min(3000, len(seeded["pairs"]))),
            "procedure": seeded["submit"], "procedures": codes, "queries": [q for q in QUERIES if q],
            "applicants": [fake_applicant(rnd) for _ in range(500)], "password": PASSWORD,
            "fields": [fill_fields(seeded["submit"]["form_fields"], rnd, seeded["today"])
                       for _ in range(500)],
            "officers": [{"email": e, "role": r} for e, _n, r in OFFICERS],
            "photos": [str(p) for p in sorted(folder.glob("*.jpg"))]}
    path = inst.tmp / "load-data.json"
    path.write_text(json.dumps(data, ensure_ascii=False))
    return path, {"dossiers": seeded["counts"]["dossiers"], "seconds": round(time.perf_counter() - t0, 1),
                  "photo": info}


def _query(url: str, sql: str, **params) -> list:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def last_id(url: str) -> int:
    return _query(url, "SELECT coalesce(max(id), 0) FROM dossier")[0][0]


def exactly_once(url: str, keys_file: Path, after_id: int) -> dict:
    """Every key answered 201 names one stored dossier with the code it was answered with;
    dossiers stored beyond those were in flight when Locust stopped its users."""
    answered = dict(line.split() for line in keys_file.read_text().splitlines() if line.strip())
    stored = dict(_query(url, "SELECT client_id, code FROM dossier WHERE id > :n", n=after_id))
    wrong = [k for k, code in answered.items() if stored.get(k) != code]
    return {"created_answers": len(answered), "stored": len(stored),
            "answered_but_missing_or_other_code": len(wrong),
            "stored_without_answer": len(set(stored) - set(answered)), "exactly_once": not wrong}


def warm(server, paths: list[str], times: int = 4) -> None:
    """Each page a few times before the clock starts: both workers' first requests (templates,
    connections) are not what a centre's users wait for."""
    import urllib.request

    for _ in range(times):
        for path in paths:
            with urllib.request.urlopen(server.url + path, timeout=60) as r:
                r.read()


def run_locust(server, data: Path, args, prefix: Path, dbcpu: DatabaseCpu) -> dict:
    env = os.environ | {"BENCH_LOAD_DATA": str(data), "BENCH_LOAD_KEYS": f"{prefix}-keys.txt"}
    cmd = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "load_users.py"), "--headless",
           "--users", str(args.users), "--spawn-rate", str(args.spawn_rate),
           "--run-time", f"{args.duration}s", "--host", server.url, "--csv", str(prefix),
           "--only-summary", "--stop-timeout", "10", "--loglevel", "WARNING", "--exit-code-on-error", "0"]
    db0, cpu0, busy0 = dbcpu.snapshot(), server.cpu_seconds(), machine_busy_seconds()
    kids0, t0 = resource.getrusage(resource.RUSAGE_CHILDREN), time.time()
    done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=args.duration + 120)
    seconds, kids = time.time() - t0, resource.getrusage(resource.RUSAGE_CHILDREN)
    server_cpu, db_cpu = server.cpu_seconds() - cpu0, dbcpu.since(db0) or 0.0
    locust_cpu = (kids.ru_utime + kids.ru_stime) - (kids0.ru_utime + kids0.ru_stime)
    if done.returncode != 0:
        raise RuntimeError(f"locust failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return {"seconds": round(seconds, 1), "server_cpu_s": round(server_cpu, 1), "db_cpu_s": round(db_cpu, 1),
            "locust_cpu_s": round(locust_cpu, 1),
            "other_cpu_pct": other_cpu_pct(machine_busy_seconds() - busy0, server_cpu + db_cpu + locust_cpu,
                                           seconds)}


def read_stats(prefix: Path) -> tuple[dict, list]:
    kinds = {}
    with open(f"{prefix}_stats.csv", newline="") as f:
        for row in csv.DictReader(f):
            kinds[row["Name"] if row["Type"] else "all"] = {
                "requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
                "rps": round(float(row["Requests/s"]), 1), "p50_ms": _ms(row["50%"]),
                "p95_ms": _ms(row["95%"]), "p99_ms": _ms(row["99%"]), "max_ms": _ms(row["Max Response Time"])}
    with open(f"{prefix}_failures.csv", newline="") as f:
        failures = [{"request": f"{r['Method']} {r['Name']}", "error": r["Error"][:300],
                     "count": int(r["Occurrences"])} for r in csv.DictReader(f)]
    return kinds, failures


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else round(float(value), 1)


def run(kind: str, args, rnd: random.Random) -> dict:
    url = args.postgres if kind == "postgres" else None
    with Instance(url, keep=args.keep, TRACK_RATE_LIMIT=NO_LIMIT) as inst:
        print(f"\n{kind}: seeding {args.dossiers:,} dossiers in {inst.tmp} ...", flush=True)
        data, seeded = prepare(inst, args.dossiers, args.photos, rnd)
        before = last_id(inst.db_url)
        server = inst.serve("app", args.app, args=gunicorn_args(args.workers, args.threads))
        print(f"  seeded in {seeded['seconds']} s; gunicorn on :{server.port}; {args.users} users for "
              f"{args.duration} s ...", flush=True)
        warm(server, ["/", "/thu-tuc", "/thu-tuc?q=cap", f"/thu-tuc/{LOAD_PROCEDURE}", "/dang-nhap",
                      "/tra-cuu", "/healthz"])
        dbcpu = DatabaseCpu(inst.postgres)
        try:
            cpu = run_locust(server, data, args, inst.tmp / "locust", dbcpu)
        finally:
            dbcpu.dispose()
        kinds, failures = read_stats(inst.tmp / "locust")
        keys = inst.tmp / "locust-keys.txt"
        keys.touch()
        return {"users": args.users, "duration_s": args.duration, "spawn_rate": args.spawn_rate,
                "gunicorn": f"-w {args.workers} -k gthread --threads {args.threads}",
                "seeded": seeded, "kinds": kinds, "failures": failures, "cpu": cpu,
                "submissions": exactly_once(inst.db_url, keys, before),
                "machine": results.machine(inst.db_url) | {"db_kind": kind}}


def print_table(kind: str, r: dict) -> None:
    m, c = r["machine"], r["cpu"]
    print(f"\n{kind} ({m['db_version']}) · {r['users']} users, {r['duration_s']} s · gunicorn {r['gunicorn']}"
          f" · {m['uptime_at_end']}")
    print(f"{'':34}{'requests':>9}{'errors':>7}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'p99 ms':>8}"
          f"{'max ms':>9}")
    for name, k in sorted(r["kinds"].items(), key=lambda kv: (kv[0] == "all", kv[0])):
        print(f"{name[:34]:34}{k['requests']:>9,}{k['errors']:>7,}{k['rps']:>8.1f}"
              + "".join(f"{v:>8.0f}" if v is not None else f"{'-':>8}" for v in
                        (k["p50_ms"], k["p95_ms"], k["p99_ms"])) + f"{k['max_ms'] or 0:>9.0f}")
    s = r["submissions"]
    print(f"CPU s: server {c['server_cpu_s']}, database {c['db_cpu_s']}, Locust {c['locust_cpu_s']}; "
          f"other processes {c['other_cpu_pct']} % of the machine")
    print(f"submissions: {s['created_answers']} answered 201, each stored once with its code: "
          f"{'yes' if s['exactly_once'] else 'NO'} ({s['stored']} stored, "
          f"{s['stored_without_answer']} in flight when Locust stopped); "
          f"errors: {r['kinds']['all']['errors']}")
    for f in r["failures"][:10]:
        print(f"  {f['count']} x {f['request']}: {f['error']}")


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--users", type=int, default=100)
    p.add_argument("--spawn-rate", type=float, default=20)
    p.add_argument("--duration", type=int, default=60, help="seconds")
    p.add_argument("--dossiers", type=int, default=10_000)
    p.add_argument("--photos", type=int, default=12, help="distinct base photos (each upload is made unique)")
    p.add_argument("--only", choices=["sqlite", "postgres"])
    p.add_argument("--postgres", default=PG_URL, help="PostgreSQL database (recreated; name with 'bench')")
    p.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    p.add_argument("--threads", type=int, default=4)
    p.add_argument("--app", default="app:create_app()")
    p.add_argument("--keep", action="store_true")
    p.add_argument("--seed", type=int, default=20261201)
    p.add_argument("--out", type=Path, default=results.RESULTS / "load.json")
    args = p.parse_args(argv)
    if not args.only:  # one process per backend: the app reads its environment once
        argv = sys.argv[1:] if argv is None else argv
        codes = [subprocess.call([sys.executable, __file__, *argv, "--only", kind]) for kind in KINDS]
        return max(codes)
    try:
        report = run(args.only, args, random.Random(args.seed))
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    print_table(args.only, report)
    results.save_runs(args.out, "bench/load.py", args.only, report)
    print(f"\nWrote {results.shown(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
