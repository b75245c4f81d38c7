"""Past one machine: two app servers behind HAProxy on one PostgreSQL, Redis and S3 store.

    .venv/bin/python bench/cluster.py [--dossiers 500] [--phones 8] [--keep]

Brings up the stack of bench/cluster_stack.py (PostgreSQL database `test_cluster`, Redis DB
13, moto_server, two gunicorn servers with one SECRET_KEY, HAProxy round robin with /readyz
health checks, two `flask worker` processes, a loopback SMTP server) and proves:

  a. N dossiers with real files sent through the balancer by phones following the outbox
     rules (bench/cluster_client.py), app1 killed (kill -9, master and workers) a third of
     the way in and restarted: exactly N dossiers, one code per key, every file's SHA-256
     intact in S3; then one key sent to app1 and app2 at the same moment, 20 times: one
     dossier each, both answers with its code;
  b. a session started on app1 works on app2, and signing out on app2 ends it on both;
  c. the tracking rate limit counts requests spread over both servers as one client's, and
     so does the sign-in back-off (Redis);
  d. the two workers deliver every queued message exactly once (SMTP Message-IDs, SMS spool);
  e. with --own-redis (a redis-server of its own, not the machine's): Redis killed, sign-in and
     tracking still answer on both servers (no 500), and once it is back, empty, the sign-in
     back-off counts across servers again.

Prints the figures and writes bench/results/cluster.json; exits 1 if any proof fails.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from bench.cluster_checks import (  # noqa: E402
    dossiers_and_documents,
    dump,
    key_race,
    notifications_once,
    rate_limit_across,
    redis_outage,
    rows,
    sessions_across,
)
from bench.cluster_client import Tally, choose_procedure, make_item, send_all  # noqa: E402
from bench.cluster_stack import Stack  # noqa: E402
from bench.lib.results import machine, uptime, write_json  # noqa: E402


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def submit_with_a_kill(stack: Stack, args, tally: Tally) -> tuple[list, dict]:
    """Send the items; kill app1 when `kill_at` of them are done, restart it `down` s later."""
    procedures = requests.get(stack.url + "/api/v1/procedures", timeout=30).json()
    proc = choose_procedure(procedures)
    run = datetime.now(UTC).isoformat()
    items = [make_item(n, proc, run) for n in range(args.dossiers)]
    t0 = time.monotonic()
    deadline = t0 + args.timeout
    sender = threading.Thread(target=send_all, args=(stack.url, items, args.phones, tally, deadline))
    sender.start()
    victim, fault = stack.servers[0], {"server": stack.servers[0].name}
    while tally.done < args.kill_at * args.dossiers and sender.is_alive():
        time.sleep(0.05)
    fault["killed_after_done"] = tally.done
    fault["killed_at_s"] = round(time.monotonic() - t0, 1)
    fault["in_flight_statuses_before"] = dict(tally.status)
    cpu_at_kill = stack.cpu()
    victim.kill()  # kill -9 of the master and every worker: nothing finishes gracefully
    time.sleep(args.down)
    restart = time.monotonic()
    victim.restart(timeout=90)
    fault["restart_ready_s"] = round(time.monotonic() - restart, 1)
    fault["down_s"] = round(time.monotonic() - t0 - fault["killed_at_s"], 1)
    fault["done_when_back"] = tally.done
    served_before = tally.served_by[victim.name]
    sender.join()
    fault["answers_from_it_after_restart"] = tally.served_by[victim.name] - served_before
    fault["failures_seen"] = tally.samples
    seconds = tally.finished_at - t0
    cpu = stack.cpu()
    cpu[victim.name] = round(cpu[victim.name] + cpu_at_kill[victim.name], 1)  # before and after the kill
    cpu["bench (phones, SMTP)"] = round(sum(os.times()[:2]), 1)
    figures = {"procedure": proc["code"], "files_per_dossier": len(items[0].files),
               "file_bytes_mean": round(sum(len(d) for i in items for _s, d in i.files)
                                        / sum(len(i.files) for i in items)),
               "seconds": round(seconds, 1), "dossiers_per_s": round(args.dossiers / seconds, 1),
               "answers": dict(sorted(tally.status.items())), "served_by": dict(tally.served_by),
               "retries": tally.retries, "replays_answered_200": tally.status.get("POST 200", 0),
               "fault": fault, "cpu_s": cpu, "load_during": load()}
    return items, figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dossiers", type=int, default=500)
    parser.add_argument("--phones", type=int, default=8, help="concurrent clients, each its own cookies")
    parser.add_argument("--kill-at", type=float, default=0.3, help="share of dossiers done when app1 dies")
    parser.add_argument("--down", type=float, default=3.0, help="seconds app1 stays dead")
    parser.add_argument("--timeout", type=float, default=240.0, help="seconds for the submissions")
    parser.add_argument("--database", default="test_cluster")
    parser.add_argument("--redis-db", type=int, default=13)
    parser.add_argument("--own-redis", action="store_true",
                        help="run a redis-server of our own, and prove (e): kill it, restart it")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (logs)")
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "cluster.json"))
    args = parser.parse_args()

    result = {"benchmark": "cluster", "when": datetime.now(UTC).isoformat(timespec="seconds"),
              "uptime_before": uptime(), "load_before": load(), "dossiers": args.dossiers,
              "phones": args.phones}
    print(f"uptime: {result['uptime_before']}", flush=True)
    tmp = tempfile.mkdtemp(prefix="cluster-")
    t0 = time.monotonic()
    stack = Stack(Path(tmp), database=args.database, redis_db=args.redis_db, own_redis=args.own_redis)
    try:
        stack.start()
        result["stack_up_s"] = round(time.monotonic() - t0, 1)
        print(f"stack up in {result['stack_up_s']} s: balancer {stack.url}, "
              f"{', '.join(f'{s.name} :{s.port}' for s in stack.servers)}; load {load()}", flush=True)
        before = int(rows(stack, "SELECT count(*) FROM dossier")[0][0])
        tally = Tally()
        items, figures = submit_with_a_kill(stack, args, tally)
        print(f"submitted: {dump(figures)}", flush=True)
        proofs = {"a_dossiers": dossiers_and_documents(stack, items, before)}
        proofs["a_dossiers"]["submission"] = figures
        print(f"(a) dossiers and documents: {dump(proofs['a_dossiers'])}", flush=True)
        proofs["a_key_race"] = key_race(stack)
        print(f"(a') one key sent to both servers at once: {dump(proofs['a_key_race'])}", flush=True)
        proofs["d_notifications"] = notifications_once(stack, timeout=120)
        print(f"(d) notifications: {dump(proofs['d_notifications'])}", flush=True)
        proofs["b_sessions"] = sessions_across(stack)
        print(f"(b) sessions: {dump(proofs['b_sessions'])}", flush=True)
        proofs["c_rate_limit"] = rate_limit_across(stack, stack.track_limit, 3 * stack.track_limit)
        print(f"(c) rate limits: {dump(proofs['c_rate_limit'])}", flush=True)
        if args.own_redis:
            proofs["e_redis_outage"] = redis_outage(stack)
            print(f"(e) Redis killed and restarted: {dump(proofs['e_redis_outage'])}", flush=True)
        result["proofs"] = proofs
    except Exception as exc:  # the stack or a proof broke: say so, with the logs kept
        result["error"] = f"{type(exc).__name__}: {exc}"[:2000]
        args.keep = True
        print(f"error: {result['error']}", file=sys.stderr)
    finally:
        stack.stop()
    result["load_after"] = load()
    result["machine"] = machine(stack.database_url)
    result["total_s"] = round(time.monotonic() - t0, 1)
    result["ok"] = "error" not in result and all(p["ok"] for p in result["proofs"].values())
    if args.keep:
        result["logs"] = tmp
        print(f"logs kept in {tmp}")
    else:
        import shutil

        shutil.rmtree(tmp, ignore_errors=True)
    out = write_json(Path(args.out), result)
    verdict = "PASS" if result["ok"] else "FAIL"
    print(f"{verdict} in {result['total_s']} s (load before {result['load_before']}, "
          f"after {result['load_after']}); wrote {out}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
