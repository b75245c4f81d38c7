"""The per-request floor: a bare Flask view, the app's cheapest request and tracking, side by side.

    .venv/bin/python bench/floor.py [--quick] [--postgres URL] [--dossiers 10000]

Two gunicorn servers with the same worker settings: the app, and a bare Flask app whose one view
returns "ok" (bench/lib/bare.py). Closed-loop load on keep-alive connections, in alternating
rounds: the bare endpoint, the app's floor (GET /healthz: every hook the app runs plus SELECT 1)
and POST /api/v1/track on seeded dossiers. Writes bench/results/floor.json (bench/server.py
runs the same rounds and the submissions, into server.json).

Targets (issue 13): the floor >= 60 % of the bare endpoint; tracking >= 60 % of the floor.
Reported, never asserted. Each ratio is the median of the rounds' ratios (robust to one
disturbed round); "other CPU" says how much of the machine other processes took meanwhile.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import random
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib.closed_loop import combine, run_load  # noqa: E402
from bench.lib.measure import DatabaseCpu, wait_until_quiet  # noqa: E402

FLOOR_PATH = "/healthz"  # the cheapest request the app answers with the database
TARGET_PCT = 60.0
NO_LIMIT = "100000000 per minute"  # throughput, not the limiter, is measured


def track_bodies(pairs: list[tuple[str, str, str]], rnd: random.Random, count: int,
                 agency_code: str) -> list[tuple[bytes, int]]:
    """Lookups on random seeded dossiers, by phone or ID number; about 10 % wrong pairs
    (a real code with someone else's phone, or a code that does not exist)."""
    bodies = []
    for _ in range(count):
        code, phone, id_number = rnd.choice(pairs)
        r = rnd.random()
        if r < 0.45:
            body, expected = {"code": code, "secret": phone}, 200
        elif r < 0.90:
            body, expected = {"code": code, "secret": id_number}, 200
        elif r < 0.95:
            other = rnd.choice(pairs)[1]
            body, expected = {"code": code, "secret": other}, 200 if other == phone else 404
        else:
            body = {"code": f"{agency_code}-{rnd.randint(200101, 201231)}-9{rnd.randrange(1000):03d}",
                    "secret": phone}
            expected = 404
        bodies.append((json.dumps(body).encode(), expected))
    return bodies


def sanity_check(server, bodies, headers) -> None:
    """Before timing anything: a right pair finds the dossier, a wrong one does not."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    try:
        for expected in (200, 404):
            body = next(b for b, e in bodies if e == expected)
            conn.request("POST", "/api/v1/track", body, {"Content-Type": "application/json"})
            response = conn.getresponse()
            data = response.read()
            if response.status != expected:
                raise RuntimeError(f"tracking sanity check: expected {expected}, got "
                                   f"{response.status}: {data[:300]!r}\n{server.log_tail()}")
            if expected == 200 and not json.loads(data).get("timeline"):
                raise RuntimeError("tracking sanity check: no timeline in the answer")
    finally:
        conn.close()


def request_headers(identity: bool) -> dict:
    headers = {"Content-Type": "application/json"}
    if not identity:
        headers["Accept-Encoding"] = "gzip, deflate, br"  # as browsers send
    return headers


def measure(app_server, bare_server, seeded: dict, rnd: random.Random, *, rounds: int,
            duration: float, warm: float, connections: int, client_procs: int, headers: dict,
            wait_quiet: float, db_url: str | None) -> dict:
    """Warm up, then `rounds` x (bare, floor, tracking). Returns every round, the pooled
    figures, the ratios and the background CPU before each phase."""
    bodies = track_bodies(seeded["pairs"], rnd, 5000, seeded["agency_code"])
    sanity_check(app_server, bodies, headers)
    bare_bodies = [(body, 200) for body, _expected in bodies]  # "ok" whatever is sent
    dbcpu = DatabaseCpu(db_url)
    threads = max(1, connections // client_procs)
    background: list = []
    pool = ProcessPoolExecutor(max_workers=client_procs, mp_context=mp.get_context("spawn"))

    def phase(server, path, seconds, seed, timed=True):
        if timed:
            background.append(wait_until_quiet(wait_quiet))
        sent = bare_bodies if server is bare_server or path == FLOOR_PATH else bodies
        return run_load(pool, client_procs, threads, server, path, sent, headers, seconds, 10**7,
                        seed, dbcpu if server is app_server else None,
                        "GET" if path == FLOOR_PATH else "POST")

    try:
        print(f"Warming up ({warm:.0f}s each) ...", flush=True)
        phase(bare_server, "/", warm, 1, timed=False)
        phase(app_server, "/api/v1/track", warm, 2, timed=False)
        phase(app_server, FLOOR_PATH, warm, 3, timed=False)
        bare_rounds, floor_rounds, track_rounds = [], [], []
        for r in range(rounds):
            print(f"Round {r + 1}/{rounds}: bare endpoint, the app's floor, then tracking "
                  f"({duration:.0f}s each) ...", flush=True)
            bare_rounds.append(phase(bare_server, "/", duration, 10 + r))
            time.sleep(0.5)
            floor_rounds.append(phase(app_server, FLOOR_PATH, duration, 30 + r))
            time.sleep(0.5)
            track_rounds.append(phase(app_server, "/api/v1/track", duration, 20 + r))
            time.sleep(0.5)
    finally:
        pool.shutdown(cancel_futures=True)
        dbcpu.dispose()
    return figures(bare_rounds, floor_rounds, track_rounds) | {
        "threads_per_proc": threads, "background": background}


def _ratios(over: list[dict], under: list[dict]) -> list[float]:
    return [100 * a["rps"] / b["rps"] if b["rps"] else 0.0 for a, b in zip(over, under, strict=True)]


def _cost(r: dict) -> float:
    """CPU per request: servers + load generator + database."""
    return r["server_cpu_ms_per_request"] + r["client_cpu_ms_per_request"] + (r["db_cpu_ms_per_request"] or 0)


def figures(bare_rounds, floor_rounds, track_rounds) -> dict:
    bare, floor, track = combine(bare_rounds), combine(floor_rounds), combine(track_rounds)
    per_round = _ratios(track_rounds, bare_rounds)
    cleanest = min(range(len(bare_rounds)), key=lambda i: max(bare_rounds[i]["other_cpu_pct"] or 0,
                                                              track_rounds[i]["other_cpu_pct"] or 0))
    return {
        "bare": bare, "track": track, "bare_rounds": bare_rounds, "track_rounds": track_rounds,
        "floor": floor, "floor_rounds": floor_rounds,
        "floor_pct_of_bare": round(statistics.median(_ratios(floor_rounds, bare_rounds)), 1),
        "floor_pct_of_bare_per_round": [round(x, 1) for x in _ratios(floor_rounds, bare_rounds)],
        "track_pct_of_floor": round(statistics.median(_ratios(track_rounds, floor_rounds)), 1),
        "track_pct_of_bare": round(statistics.median(per_round), 1),
        "track_pct_of_bare_per_round": [round(x, 1) for x in per_round],
        "cleanest_round": cleanest + 1,
        "floor_pct_of_bare_by_cpu": round(100 * _cost(bare) / _cost(floor), 1) if _cost(floor) else 0.0,
        "track_pct_of_floor_by_cpu": round(100 * _cost(floor) / _cost(track), 1) if _cost(track) else 0.0,
        "track_pct_of_bare_by_cpu": round(100 * _cost(bare) / _cost(track), 1) if _cost(track) else 0.0,
    }


def targets(f: dict) -> dict:
    return {
        "floor_ratio": {"name": f"the app's floor (GET {FLOOR_PATH}) / bare endpoint",
                        "measured": f"{f['floor_pct_of_bare']:.1f} % (by CPU per request: "
                                    f"{f['floor_pct_of_bare_by_cpu']:.1f} %)",
                        "target": f">= {TARGET_PCT:.0f} %", "met": f["floor_pct_of_bare"] >= TARGET_PCT},
        "track_ratio": {"name": "tracking throughput / the app's floor",
                        "measured": f"{f['track_pct_of_floor']:.1f} % (by CPU per request: "
                                    f"{f['track_pct_of_floor_by_cpu']:.1f} %)",
                        "target": f">= {TARGET_PCT:.0f} %", "met": f["track_pct_of_floor"] >= TARGET_PCT},
    }


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--quick", action="store_true", help="a smaller, shorter run")
    p.add_argument("--dossiers", type=int, default=10_000, help="dossiers to seed (10,000)")
    p.add_argument("--connections", type=int, default=16, help="keep-alive connections")
    p.add_argument("--client-procs", type=int, default=2, help="load-generator processes")
    p.add_argument("--duration", type=float, default=None, help="seconds per round")
    p.add_argument("--rounds", type=int, default=None, help="alternating bare/floor/track rounds")
    p.add_argument("--identity-encoding", action="store_true",
                   help="do not send Accept-Encoding: gzip, deflate, br (browsers do)")


if __name__ == "__main__":
    from bench.server import main

    sys.exit(main(only="floor"))
