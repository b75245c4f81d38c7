"""Server benchmark: the app under gunicorn on loopback, beside a bare Flask endpoint.

    .venv/bin/python bench/server.py                 # SQLite (the embedded default)
    .venv/bin/python bench/server.py --quick         # a smaller run, for trying it out
    .venv/bin/python bench/server.py --postgres postgresql+psycopg://postgres@127.0.0.1:5432/test_bench

One run, on one throwaway instance (bench/lib/instance.py; the tracking rate limit is set out of
the way: this measures throughput, not the limiter):
  1. migrations, the demo catalogue, 10,000 dossiers with their timelines (bench/lib/seed.py);
  2. two gunicorn servers with the same worker settings: the app and a bare Flask app;
  3. bench/floor.py's rounds: the bare endpoint, the app's floor (GET /healthz) and tracking;
  4. bench/submissions.py: three ~300 KB JPEGs and a dossier per submission, 8 clients;
  5. a table on stdout and bench/results/server.json (one entry per database kind; --quick
     writes server-quick.json). bench/floor.py and bench/submissions.py run one part alone.

With --postgres the named database is dropped and created again (its name must contain "bench",
`test` is refused) and dropped at the end unless --keep. The load generator shares the machine:
its CPU is reported beside the servers', and so is the CPU other processes took during each
phase; on a shared machine, only phases with little "other CPU" are worth quoting.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import floor, submissions  # noqa: E402
from bench.lib import instance, results  # noqa: E402
from bench.lib.measure import DatabaseCpu, wait_until_quiet  # noqa: E402
from bench.lib.serve import BARE, gunicorn_args  # noqa: E402

PARTS = ("floor", "submissions")


def parse_args(argv=None, only: str | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    instance.add_arguments(p)
    floor.add_arguments(p)
    submissions.add_arguments(p)
    p.add_argument("--out", type=Path, default=None, help="results file (default: bench/results/"
                   "server.json, server-quick.json with --quick; floor.json or submissions.json alone)")
    args = p.parse_args(argv)
    args.parts = (only,) if only else PARTS
    name = only or "server"
    args.out = args.out or results.RESULTS / f"{name}{'-quick' if args.quick else ''}.json"
    args.duration = args.duration or (2.0 if args.quick else 6.0)
    args.rounds = args.rounds or (2 if args.quick else 5)
    args.submissions = args.submissions or (6 if args.quick else 25)
    args.warmup_subs = 1 if args.quick else 2
    args.workers = args.workers or os.cpu_count() or 2
    return args


def main(argv=None, only: str | None = None) -> int:
    args = parse_args(argv, only)
    rnd = random.Random(args.seed)
    env = {"TRACK_RATE_LIMIT": floor.NO_LIMIT}
    try:
        with instance.Instance(args.postgres, keep=args.keep, **env) as inst:
            report = run(args, inst, rnd)
    except KeyboardInterrupt:
        print("Interrupted.", file=sys.stderr)
        return 130
    print_table(report)
    results.save_runs(args.out, f"bench/{only or 'server'}.py", inst.kind, report)
    print(f"Wrote {results.shown(args.out)}")
    return 0


def run(args, inst: instance.Instance, rnd: random.Random) -> dict:
    from bench.lib.photos import make_jpegs
    from bench.lib.seed import SUBMIT_PROCEDURE, seed_database

    print(f"Seeding {args.dossiers:,} dossiers ({inst.kind}) in {inst.tmp} ...", flush=True)
    t0 = time.perf_counter()
    seeded = seed_database(args.dossiers, rnd)
    seed_s = time.perf_counter() - t0
    print(f"  {seeded['counts']['dossiers']:,} dossiers, {seeded['counts']['status_events']:,} "
          f"status events in {seed_s:.1f}s "
          + " ".join(f"{k}={v:.1f}" for k, v in seeded["timings"].items()), flush=True)
    jpegs, jpeg_info = [], None
    if "submissions" in args.parts:
        n_jpegs = args.clients * (args.submissions + args.warmup_subs) * 3
        print(f"Generating {n_jpegs} distinct JPEGs ...", flush=True)
        t0 = time.perf_counter()
        jpegs, jpeg_info = make_jpegs(n_jpegs, rnd)
        print(f"  {jpeg_info['width']}x{jpeg_info['height']}, {jpeg_info['bytes_mean'] / 1000:.0f} KB "
              f"on average, in {time.perf_counter() - t0:.1f}s", flush=True)

    gargs = gunicorn_args(args.workers, args.threads)
    gunicorn_desc = f"-w {args.workers} -k gthread --threads {args.threads} --keep-alive 30"
    app_server = inst.serve("app", args.app, args=gargs)
    bare_server = inst.serve("bare", BARE, args=gargs, probe="/")
    print(f"Servers up: app on :{app_server.port}, bare on :{bare_server.port} ({gunicorn_desc})",
          flush=True)
    headers = floor.request_headers(args.identity_encoding)
    warm = 1.0 if args.quick else 3.0
    figures = {"seeded": seeded["counts"] | {"seconds": round(seed_s, 1)}}
    targets, background = {}, []
    if "floor" in args.parts:
        f = floor.measure(app_server, bare_server, seeded, rnd, rounds=args.rounds,
                          duration=args.duration, warm=warm, connections=args.connections,
                          client_procs=args.client_procs, headers=headers,
                          wait_quiet=args.wait_quiet, db_url=inst.postgres)
        background += f.pop("background")
        threads_per_proc = f.pop("threads_per_proc")
        figures |= f
        targets |= floor.targets(f)
    else:
        threads_per_proc = max(1, args.connections // args.client_procs)
    if "submissions" in args.parts:
        print(f"Submissions: {args.clients} clients x ({args.warmup_subs} warm-up + "
              f"{args.submissions} timed) ...", flush=True)
        background.append(wait_until_quiet(args.wait_quiet))
        dbcpu = DatabaseCpu(inst.postgres)
        try:
            figures["submissions"] = submissions.run(
                app_server, args.clients, args.submissions, args.warmup_subs, jpegs,
                seeded["submit"], rnd, seeded["today"], time_limit=30 if args.quick else 120,
                dbcpu=dbcpu)
        finally:
            dbcpu.dispose()
        targets["submission_p95"] = submissions.target(figures["submissions"])
    return {
        "quick": args.quick,
        "settings": {
            "gunicorn": gunicorn_desc, "app": args.app, "workers": args.workers,
            "threads": args.threads,
            "why_workers": "one process per CPU; gthread threads overlap database and socket "
                           "waits and keep client connections alive",
            "throughput_connections": threads_per_proc * args.client_procs,
            "client_procs": args.client_procs, "round_seconds": args.duration, "rounds": args.rounds,
            "warmup_seconds": warm, "request_headers": headers,
            "bare_request": "POST / with the same JSON bodies as the tracking requests",
            "track_mix": "45 % code+phone, 45 % code+ID number, ~10 % wrong pair or unknown code",
            "submission_clients": args.clients, "timed_submissions_per_client": args.submissions,
            "warmup_submissions_per_client": args.warmup_subs,
            "submission_procedure": SUBMIT_PROCEDURE, "jpeg": jpeg_info,
            "track_rate_limit": inst.env["TRACK_RATE_LIMIT"], "dossiers_seeded": args.dossiers,
            "seed": args.seed, "wait_quiet_seconds": args.wait_quiet,
            "background_cpu_pct_before_phases": background,
        },
        "machine": results.machine(inst.db_url) | {"db_kind": inst.kind},
        "figures": figures,
        "targets": targets,
    }


def _cell(value, width: int, digits: int = 1) -> str:
    if value is None:
        return f"{'-':>{width}}"
    if isinstance(value, int):
        return f"{value:>{width},}"
    return f"{value:>{width},.{digits}f}"


def _row(label, r, count, rate, bad, cpu, db, client, digits=2, cpu_digits=3) -> str:
    return (f"{label:34}{_cell(r[count], 9)}{_cell(r[rate], 9, 0 if digits == 2 else 1)}"
            f"{_cell(r['p50_ms'], 9, digits)}{_cell(r['p95_ms'], 9, digits)}{_cell(r['p99_ms'], 9, digits)}"
            f"{_cell(bad, 6)}{_cell(r[cpu], 16, cpu_digits)}{_cell(r[db], 7, cpu_digits)}"
            f"{_cell(r[client], 8, cpu_digits)}{_cell(r['other_cpu_pct'], 7)}")


def print_table(report: dict) -> None:
    s, f, m = report["settings"], report["figures"], report["machine"]
    print(f"\nMột Cửa server benchmark · {m['db_version']} · {f['seeded']['dossiers']:,} dossiers · "
          f"gunicorn {s['gunicorn']}")
    print(f"{m['nproc']} CPUs ({m['cpu_model']}), Python {m['python']}; the load generator shares "
          f"the machine ({s['throughput_connections']} keep-alive connections, "
          f"{s['client_procs']} processes); {m['uptime_at_end']}\n")
    head = (f"{'':34}{'requests':>9}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
            f"{'bad':>6}{'CPU ms: server':>16}{'db':>7}{'client':>8}{'other':>7}")
    print(head)
    print(f"{'':70}{'per request':>22}{'':>15}{'CPU %':>7}")
    print("-" * len(head))
    rows = []
    for i, (b, fl, t) in enumerate(zip(f.get("bare_rounds", []), f.get("floor_rounds", []),
                                       f.get("track_rounds", []), strict=True), start=1):
        rows += [(f"bare endpoint, round {i}", b), (f"GET {floor.FLOOR_PATH} (floor), round {i}", fl),
                 (f"POST /api/v1/track, round {i}", t)]
    if "bare" in f:
        rows += [("bare endpoint, all rounds", f["bare"]),
                 (f"GET {floor.FLOOR_PATH}, all rounds", f["floor"]),
                 ("POST /api/v1/track, all rounds", f["track"])]
    for label, r in rows:
        print(_row(label, r, "requests", "rps", r["errors"] + r["unexpected_status"],
                   "server_cpu_ms_per_request", "db_cpu_ms_per_request", "client_cpu_ms_per_request"))
    if sub := f.get("submissions"):
        print(f"\n{'submissions (3 PUT + 1 POST)':34}{'count':>9}{'subs/s':>9}{'p50 ms':>9}{'p95 ms':>9}"
              f"{'p99 ms':>9}{'bad':>6}{'per submission':>16}{'':>15}{'%':>7}")
        print("-" * len(head))
        print(_row(f"{sub['clients']} concurrent clients", sub, "submissions", "submissions_per_s",
                   sub["failed"], "server_cpu_ms_per_submission", "db_cpu_ms_per_submission",
                   "client_cpu_ms_per_submission", digits=1, cpu_digits=1))
        for label, part in (("  each PUT /api/v1/blobs (~300 KB)", sub["put_blob"]),
                            ("  POST /api/v1/dossiers", sub["post_dossier"])):
            print(f"{label:34}{'':18}{_cell(part['p50_ms'], 9)}{_cell(part['p95_ms'], 9)}"
                  f"{_cell(part['p99_ms'], 9)}")
    others = [r["other_cpu_pct"] for _label, r in rows + [("", sub or {"other_cpu_pct": None})]
              if r["other_cpu_pct"] is not None]
    print()
    if others and max(others) > 10:
        print(f"Note: other processes used up to {max(others):.0f} % of the machine during a phase; "
              "the figures are less trustworthy than on an idle machine.")
    if "floor_pct_of_bare" in f:
        print(f"the app's floor (GET {floor.FLOOR_PATH}: every hook plus SELECT 1): "
              f"{f['floor_pct_of_bare']:.1f} % of the bare endpoint; tracking "
              f"{f['track_pct_of_floor']:.1f} % of the floor, {f['track_pct_of_bare']:.1f} % of bare")
    for t in report["targets"].values():
        print(f"{t['name']}: {t['measured']} (target {t['target']}) -> {'met' if t['met'] else 'MISSED'}")
    print()


if __name__ == "__main__":
    sys.exit(main())
