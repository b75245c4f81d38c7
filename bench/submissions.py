"""Full submissions through the sync API from concurrent clients: three ~300 KB JPEGs through
PUT /api/v1/blobs/<sha256>, then POST /api/v1/dossiers with an Idempotency-Key.

    .venv/bin/python bench/submissions.py [--quick] [--postgres URL] [--clients 8]

Each client has its own keep-alive connection, submits its warm-up dossiers untimed, waits for
the others, then its timed ones; a submission's latency is the whole sequence. Writes
bench/results/submissions.json (bench/server.py runs this after the floor rounds, into
server.json). Target (issue 2): p95 < 300 ms with 8 concurrent clients; reported, not asserted.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import random
import sys
import threading
import time
import uuid
from collections import Counter
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.lib.measure import (  # noqa: E402
    DatabaseCpu,
    add_under,
    machine_busy_seconds,
    other_cpu_pct,
    summarise,
)
from bench.lib.people import manifest  # noqa: E402

TARGET_P95_MS = 300.0


def plans(clients: int, per: int, jpegs, submit: dict, rnd: random.Random, today: date) -> list:
    """For each client, `per` submissions: (three photos, manifest JSON, idempotency key)."""
    if len(jpegs) < clients * per * 3:
        raise ValueError("not enough JPEGs for the submissions asked for")
    out = []
    for c in range(clients):
        items = []
        for s in range(per):
            photos = jpegs[(c * per + s) * 3:(c * per + s + 1) * 3]
            body = json.dumps(manifest(submit, rnd, today, photos), ensure_ascii=False).encode()
            items.append((photos, body, str(uuid.uuid4())))
        out.append(items)
    return out


def run(server, clients: int, per_client: int, warmup: int, jpegs, submit: dict,
        rnd: random.Random, today: date, time_limit: float, dbcpu: DatabaseCpu | None = None) -> dict:
    """`clients` threads, each submitting `warmup` untimed then `per_client` timed dossiers."""
    work = plans(clients, warmup + per_client, jpegs, submit, rnd, today)
    lock = threading.Lock()
    out = {"latencies": [], "put_ms": [], "post_ms": [], "statuses": Counter(), "failed": 0,
           "errors": []}
    mark = {}
    dbcpu = dbcpu or DatabaseCpu(None)

    def start_timing() -> None:  # runs once, when every client has finished its warm-up
        mark.update(db0=dbcpu.snapshot())
        mark.update(stop_at=time.monotonic() + time_limit, t0=time.perf_counter(),
                    cpu0=server.cpu_seconds(), client_cpu0=time.process_time(),
                    busy0=machine_busy_seconds())

    barrier = threading.Barrier(clients, action=start_timing)

    def client(items) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        lat, puts, posts, statuses, failed = [], [], [], Counter(), 0
        # One browser: it keeps its session cookie, which names the sender its files are held for.
        jar = {"Cookie": ""}

        def keep(r) -> None:
            if cookie := r.getheader("Set-Cookie"):
                jar["Cookie"] = cookie.split(";", 1)[0]

        def one(photos, body, key) -> bool:
            ok = True
            for data, digest in photos:
                t = time.perf_counter()
                conn.request("PUT", f"/api/v1/blobs/{digest}", data,
                             {"Content-Type": "application/octet-stream"} | jar)
                r = conn.getresponse()
                r.read()
                keep(r)
                puts.append((time.perf_counter() - t) * 1000)
                statuses[f"PUT {r.status}"] += 1
                ok &= r.status == 201
            t = time.perf_counter()
            conn.request("POST", "/api/v1/dossiers", body,
                         {"Content-Type": "application/json", "Idempotency-Key": key} | jar)
            r = conn.getresponse()
            answer = r.read()
            keep(r)
            posts.append((time.perf_counter() - t) * 1000)
            statuses[f"POST {r.status}"] += 1
            if r.status != 201:
                with lock:
                    if len(out["errors"]) < 5:
                        out["errors"].append(answer[:300].decode(errors="replace"))
            return ok and r.status == 201

        try:
            for item in items[:warmup]:
                one(*item)
            barrier.wait()
            puts.clear()
            posts.clear()
            statuses.clear()
            for item in items[warmup:]:
                if time.monotonic() > mark["stop_at"]:
                    break
                t0 = time.perf_counter()
                good = one(*item)
                lat.append((time.perf_counter() - t0) * 1000)
                failed += not good
        except (OSError, http.client.HTTPException, threading.BrokenBarrierError) as exc:
            with lock:
                out["errors"].append(repr(exc))
            with contextlib.suppress(threading.BrokenBarrierError):
                barrier.abort()
        finally:
            conn.close()
            add_under(lock, out, latencies=lat, put_ms=puts, post_ms=posts, statuses=statuses,
                      failed=failed)

    threads = [threading.Thread(target=client, args=(items,)) for items in work]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if not mark:
        raise RuntimeError(f"submissions failed during warm-up: {out['errors']}")
    elapsed = time.perf_counter() - mark["t0"]
    server_cpu = server.cpu_seconds() - mark["cpu0"]
    client_cpu = time.process_time() - mark["client_cpu0"]
    busy = machine_busy_seconds() - mark["busy0"]
    db_cpu = dbcpu.since(mark["db0"])
    n = len(out["latencies"])

    def per(cpu):
        return round(cpu * 1000 / n, 2) if n and cpu is not None else None

    return {
        "submissions": n, "clients": clients, "seconds": round(elapsed, 3),
        "submissions_per_s": round(n / elapsed, 2) if elapsed > 0 else 0,
        **summarise(out["latencies"]),
        "put_blob": {k: v for k, v in summarise(out["put_ms"]).items() if k != "max_ms"},
        "post_dossier": {k: v for k, v in summarise(out["post_ms"]).items() if k != "max_ms"},
        "statuses": dict(sorted(out["statuses"].items())), "failed": out["failed"],
        "errors": out["errors"], "server_cpu_ms_per_submission": per(server_cpu),
        "client_cpu_ms_per_submission": per(client_cpu), "db_cpu_ms_per_submission": per(db_cpu),
        "other_cpu_pct": other_cpu_pct(busy, server_cpu + client_cpu + (db_cpu or 0), elapsed),
    }


def target(sub: dict) -> dict:
    return {"name": f"submission p95, {sub['clients']} concurrent clients",
            "measured": f"{sub['p95_ms'] or float('nan'):.0f} ms", "target": f"< {TARGET_P95_MS:.0f} ms",
            "met": bool(sub["submissions"]) and sub["p95_ms"] < TARGET_P95_MS}


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--clients", type=int, default=8, help="concurrent submitting clients")
    p.add_argument("--submissions", type=int, default=None, help="timed submissions per client")


if __name__ == "__main__":
    from bench.server import main

    sys.exit(main(only="submissions"))
