"""Closed-loop HTTP load on keep-alive connections, from client processes beside the servers.

Each connection sends its next request as soon as the last answer is read; the request bodies
are drawn at random from a list of (body, expected status). Latency, statuses, and CPU spent
by the server, its database, the load generator and everything else are reported together.
"""

from __future__ import annotations

import http.client
import random
import threading
import time
from collections import Counter

from bench.lib.measure import DatabaseCpu, add_under, machine_busy_seconds, other_cpu_pct, summarise


def load_job(port: int, path: str, bodies: list[tuple[bytes, int]], headers: dict, threads: int,
             start_at: float, duration: float, max_requests: int, seed: int,
             method: str = "POST") -> dict:
    """Closed loop: `threads` keep-alive connections, each sending its next request as soon as
    the last answer is read, from `start_at` (wall clock) for `duration` s or `max_requests`
    requests per connection, whichever comes first. Runs in a client process."""
    lock = threading.Lock()
    result = {"latencies": [], "statuses": Counter(), "unexpected": 0, "errors": 0, "last": 0.0}

    def run(n: int) -> None:
        rnd = random.Random(seed * 1000 + n)
        lat, statuses, unexpected, errors = [], Counter(), 0, 0
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.connect()
        while time.time() < start_at:
            time.sleep(0.001)
        end = start_at + duration
        last = start_at
        for _ in range(max_requests):
            if time.time() >= end:
                break
            body, expected = bodies[rnd.randrange(len(bodies))]
            t0 = time.perf_counter()
            try:
                conn.request(method, path, body if method == "POST" else None, headers)
                response = conn.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                errors += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            lat.append((time.perf_counter() - t0) * 1000)
            last = time.time()
            statuses[response.status] += 1
            if response.status != expected:
                unexpected += 1
        conn.close()
        add_under(lock, result, latencies=lat, statuses=statuses, unexpected=unexpected, errors=errors)
        with lock:
            result["last"] = max(result["last"], last)

    cpu0 = time.process_time()
    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    result["client_cpu_s"] = time.process_time() - cpu0
    result["statuses"] = dict(result["statuses"])
    return result


def run_load(pool, procs: int, threads: int, server, path: str, bodies, headers,
             duration: float, max_requests: int, seed: int, dbcpu: DatabaseCpu | None = None,
             method: str = "POST") -> dict:
    """One phase: `procs` client processes (from `pool`) x `threads` connections against
    `server` (a serve.Server). Returns requests, req/s, percentiles, statuses and CPU per request."""
    dbcpu = dbcpu or DatabaseCpu(None)
    start_at = time.time() + 0.5
    db0 = dbcpu.snapshot()
    cpu0, busy0, t_meas = server.cpu_seconds(), machine_busy_seconds(), time.time()
    futures = [pool.submit(load_job, server.port, path, bodies, headers, threads, start_at,
                           duration, max_requests, seed * 100 + p, method) for p in range(procs)]
    parts = [f.result() for f in futures]
    server_cpu, busy = server.cpu_seconds() - cpu0, machine_busy_seconds() - busy0
    seconds = time.time() - t_meas
    db_cpu = dbcpu.since(db0)
    latencies = [x for part in parts for x in part["latencies"]]
    elapsed = max(part["last"] for part in parts) - start_at
    statuses = Counter()
    for part in parts:
        statuses.update(part["statuses"])
    n = len(latencies)
    client_cpu = sum(p["client_cpu_s"] for p in parts)
    return {
        "requests": n, "seconds": round(elapsed, 3), "rps": round(n / elapsed, 1) if elapsed > 0 else 0,
        **summarise(latencies),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "unexpected_status": sum(p["unexpected"] for p in parts),
        "errors": sum(p["errors"] for p in parts),
        "server_cpu_ms_per_request": round(server_cpu * 1000 / n, 3) if n else None,
        "client_cpu_ms_per_request": round(client_cpu * 1000 / n, 3) if n else None,
        "db_cpu_ms_per_request": round(db_cpu * 1000 / n, 3) if n and db_cpu is not None else None,
        "other_cpu_pct": other_cpu_pct(busy, server_cpu + client_cpu + (db_cpu or 0), seconds),
    }


def combine(rounds: list[dict]) -> dict:
    """Rounds pooled: total requests over total time; percentiles as the mean of the rounds'."""
    n = sum(r["requests"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    out = {"requests": n, "seconds": round(seconds, 3), "rps": round(n / seconds, 1) if seconds else 0}
    for key in ("p50_ms", "p95_ms", "p99_ms", "server_cpu_ms_per_request", "client_cpu_ms_per_request",
                "db_cpu_ms_per_request", "other_cpu_pct"):
        values = [r[key] for r in rounds if r[key] is not None]
        out[key] = round(sum(values) / len(values), 3) if values else None
    out["max_ms"] = max(r["max_ms"] for r in rounds)
    out["errors"] = sum(r["errors"] for r in rounds)
    out["unexpected_status"] = sum(r["unexpected_status"] for r in rounds)
    statuses = Counter()
    for r in rounds:
        statuses.update(r["statuses"])
    out["statuses"] = dict(sorted(statuses.items()))
    return out
