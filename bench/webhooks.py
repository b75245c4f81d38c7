"""Benchmark webhook delivery to a real receiver: latency with the worker running, and a day down.

    .venv/bin/python bench/webhooks.py [--events 300] [--gap 0.25] [--down 60] [--only sqlite|postgres]
                                       [--worker-args "--interval 5"]

A receiver on loopback (stdlib http.server in a thread) checks every signature with the
standardwebhooks library and counts each webhook-id; `flask --app app worker` runs beside it as
separate processes, as in production (its own defaults; the applicants' e-mails go to an SMTP
sink on loopback, SMS to the spool); dossiers change in this process through services/workflow.

(a) latency: one transition at a time, exponential gaps (mean --gap s), from its commit to the
    receiver's arrival of its message (wall clock, one machine). Target p95 < 2 s.
(b) a day down: the receiver refuses connections for --down seconds standing for 24 h (the
    workers' WEBHOOK_RETRY_SCALE = down / 86400) while a day of dossiers is filed and moves on;
    then it is back. Every message must arrive, in order per dossier, each webhook-id once, with
    two workers claiming at once. Writes bench/results/webhooks.json with the load (`uptime`).
"""

import argparse
import contextlib
import json
import os
import random
import shlex
import signal
import socketserver
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["WEBHOOK_ALLOW_PRIVATE"] = "1"  # the receiver is on loopback; read when app.config loads

from standardwebhooks import Webhook, WebhookVerificationError  # noqa: E402

from app.extensions import db  # noqa: E402
from app.models import WebhookDelivery  # noqa: E402
from app.services import workflow  # noqa: E402
from app.services.webhooks import subscriptions  # noqa: E402
from bench.lib import results  # noqa: E402
from bench.lib.db import backends, bench_app, recreate_postgres, where  # noqa: E402
from bench.lib.measure import summarise  # noqa: E402
from bench.lib.serve import instance_env  # noqa: E402
from tests.agency_helpers import RECEPTION, department  # noqa: E402  (the tests' factories:
from tests.factories import make_dossier  # noqa: E402

TARGET_P95_S = 2.0
DAY = 86_400
RESULTS = results.RESULTS / "webhooks.json"


class Receiver:
    """A department's endpoint: verifies, records (arrival, webhook-id, payload), answers 200."""

    def __init__(self):
        self.secret, self.port, self.server = "", 0, None
        self.got, self.bad, self.lock = [], 0, threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def up(self) -> "Receiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                arrived = time.time()
                body = self.rfile.read(int(self.headers.get("content-length", 0))).decode()
                try:
                    Webhook(receiver.secret).verify(body, {k.lower(): v for k, v in self.headers.items()})
                    with receiver.lock:
                        receiver.got.append((arrived, self.headers["webhook-id"], json.loads(body)))
                    self.send_response(200)
                except WebhookVerificationError:
                    receiver.bad += 1  # the handler threads only read it after the run
                    self.send_response(400)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def down(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class SmtpSink(socketserver.StreamRequestHandler):
    """Just enough SMTP for smtplib: the worker mails applicants as it would in production."""

    def handle(self):
        self.wfile.write(b"220 sink\r\n")
        data = False
        for line in self.rfile:
            if data:
                if line.rstrip(b"\r\n") == b".":
                    data = False
                    self.wfile.write(b"250 queued\r\n")
                continue
            verb = line[:4].upper()
            data = verb == b"DATA"
            self.wfile.write({b"DATA": b"354 go on\r\n", b"QUIT": b"221 bye\r\n"}.get(verb, b"250 ok\r\n"))
            if verb == b"QUIT":
                return


class Workers:
    """`flask --app app worker` processes on the bench's database, stopped with Ctrl-C (SIGINT)."""

    def __init__(self, env: dict, n: int, args: list[str], log: Path):
        self.log = log.open("a")
        self.procs = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", "worker", *args],
                                       cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
                                       start_new_session=True) for _ in range(n)]

    def stop(self) -> None:
        for p in self.procs:
            p.send_signal(signal.SIGINT)
        for p in self.procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(15)
            p.kill()  # no-op once it has exited
        self.log.close()


def interleave(dossiers, steps, rnd: random.Random):
    """Each dossier's steps in order, the dossiers mixed: [(dossier, step), ...]."""
    left = {d.id: (d, list(steps)) for d in dossiers}
    while left:
        d, todo = left[rnd.choice(list(left))]
        yield d, todo.pop(0)
        if not todo:
            del left[d.id]


def wait_for(predicate, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not (done := predicate()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return done


def pending() -> int:
    """Webhook messages not delivered yet (a fresh snapshot of the table)."""
    db.session.rollback()
    return db.session.execute(db.select(db.func.count()).select_from(WebhookDelivery).where(
        WebhookDelivery.kind == "webhook", WebhookDelivery.delivered_at.is_(None))).scalar_one()


def latency(receiver, proc, n_events: int, gap: float, rnd) -> dict:
    """(a): one transition at a time; each commit's moment against the receiver's arrival."""
    dossiers = [make_dossier(proc) for _ in range((n_events + 1) // 2)]
    wait_for(lambda: pending() == 0, 120)  # their dossier.created messages are not timed
    steps = {"accept": workflow.accept, "forward": workflow.forward}
    committed = {}  # (code, version) -> when its commit returned
    for dossier, step in interleave(dossiers, steps, rnd):
        if len(committed) == n_events:
            break
        steps[step](dossier, RECEPTION, version=dossier.version)
        committed[(dossier.code, dossier.version)] = time.time()  # right after the commit
        time.sleep(rnd.expovariate(1 / gap))

    def arrivals():
        with receiver.lock:
            return {(p["data"]["code"], p["data"]["version"]): t for t, _id, p in receiver.got
                    if p["type"] == "dossier.status_changed"}

    wait_for(lambda: committed.keys() <= arrivals().keys(), 60)
    got = arrivals()
    waits = [1000 * (got[k] - t) for k, t in committed.items() if k in got]
    figures = summarise(waits, 1)
    return {"events": len(committed), "received": len(waits), "mean_gap_s": gap, **figures,
            "meets_target": len(waits) == len(committed) and figures["p95_ms"] < 1000 * TARGET_P95_S}


def day_down(receiver, proc, down: float, rnd) -> dict:
    """(b): a day of new dossiers (filed, accepted, forwarded) while the receiver is down."""
    receiver.down()
    started, n, filed = time.monotonic(), 60, 0
    while filed < n and time.monotonic() < started + down:  # up to n, paced over the day
        dossier = make_dossier(proc)
        workflow.accept(dossier, RECEPTION, version=dossier.version)
        if rnd.random() < 0.7:
            workflow.forward(dossier, RECEPTION, version=dossier.version)
        filed += 1
        time.sleep(max(0.0, started + down * filed / n - time.monotonic()))
    time.sleep(max(0.0, started + down - time.monotonic()))
    receiver.up()
    return {"down_s": round(time.monotonic() - started, 1), "stands_for_h": 24, "dossiers_filed": filed}


def check(receiver, back_up: float, timeout: float) -> dict:
    """Every message delivered (the table says so, and the receiver got it), in order, once."""
    drained = wait_for(lambda: pending() == 0, timeout)
    rows = db.session.execute(db.select(WebhookDelivery).where(WebhookDelivery.kind == "webhook")
                              .order_by(WebhookDelivery.id)).scalars().all()
    with receiver.lock:
        got = list(receiver.got)
    arrivals = Counter(message_id for _t, message_id, _p in got)
    expected, sent = defaultdict(list), defaultdict(list)
    for row in rows:
        expected[row.dossier_code].append(row.event_id)
    for _t, message_id, payload in sorted(got, key=lambda g: g[0]):
        sent[payload["data"]["code"]].append(message_id)
    after = [t - back_up for t, _id, _p in got if t >= back_up]
    out_of_order = [code for code in expected if [i for i in sent[code] if i in set(expected[code])]
                    != expected[code]]
    return {
        "drained": drained, "messages": len(rows), "undelivered": sum(r.delivered_at is None for r in rows),
        "given_up": sum(r.failed_at is not None for r in rows),
        "received_ids": len(arrivals), "missing": len({r.event_id for r in rows} - set(arrivals)),
        "repeated_ids": sum(1 for c in arrivals.values() if c > 1), "bad_signatures": receiver.bad,
        "dossiers": len(expected), "dossiers_out_of_order": len(out_of_order),
        "attempts_total": sum(r.attempts for r in rows), "attempts_max": max(r.attempts for r in rows),
        "first_after_back_s": round(min(after), 2) if after else None,  # the schedule's wait (scaled)
        "last_after_back_s": round(max(after), 2) if after else None,  # + sending the backlog (not)
        "ok": (drained and not out_of_order and not any(r.failed_at for r in rows)
               and len(arrivals) == len(rows) == len(got) and not receiver.bad),
    }


def run(kind: str, url: str, args, tmp: Path) -> dict:
    if kind == "postgres":
        recreate_postgres(url)
    rnd = random.Random(20261201)
    receiver = Receiver().up()
    smtp = socketserver.ThreadingTCPServer(("127.0.0.1", 0), SmtpSink)
    threading.Thread(target=smtp.serve_forever, daemon=True).start()
    env = instance_env(tmp / kind, url, WEBHOOK_ALLOW_PRIVATE="1", MAIL_SERVER="127.0.0.1",
                       MAIL_PORT=str(smtp.server_address[1]), LOG_JSON="0", LOG_REQUESTS="0")
    out = {"database": where(url)}
    with bench_app(url) as app, app.app_context():
        agency, proc = department()
        receiver.secret = subscriptions.add(agency.id, receiver.url, "").secret
        db.session.commit()
        workers = Workers(env, 1, shlex.split(args.worker_args), tmp / f"{kind}-worker.log")
        try:
            out["load_before_a"] = results.load()
            out["latency"] = latency(receiver, proc, args.events, args.gap, rnd)
            a = out["latency"]
            print(f"  (a) {a['events']} events, gap ~{args.gap} s: p50 {a['p50_ms']} ms, p95 {a['p95_ms']} "
                  f"ms, max {a['max_ms']} ms  [{results.uptime()}]", flush=True)
        finally:
            workers.stop()
        scale = args.down / DAY
        workers = Workers(env | {"WEBHOOK_RETRY_SCALE": repr(scale)}, 2, shlex.split(args.worker_args),
                          tmp / f"{kind}-workers.log")
        try:
            out["load_before_b"] = results.load()
            out["day_down"] = day_down(receiver, proc, args.down, rnd) | {"retry_scale": scale}
            out["day_down"] |= check(receiver, time.time(), timeout=args.down * 1.5 + 60)
            first = out["day_down"]["first_after_back_s"]  # the wait in the schedule's own minutes:
            out["day_down"]["first_after_back_min_unscaled"] = first and round(first / scale / 60, 1)
        finally:
            workers.stop()
        b = out["day_down"]
        print(f"  (b) down {b['down_s']} s (24 h): {b['messages']} messages, {b['received_ids']} ids in, "
              f"{b['missing']} missing, {b['repeated_ids']} repeated, {b['dossiers_out_of_order']}/"
              f"{b['dossiers']} dossiers out of order, {b['given_up']} given up; "
              f"first {b['first_after_back_s']} s ({b['first_after_back_min_unscaled']} min unscaled), last "
              f"{b['last_after_back_s']} s after it came back: {'OK' if b['ok'] else 'FAILED'}  "
              f"[{results.uptime()}]", flush=True)
    receiver.down()
    smtp.shutdown()
    return out | {"load_after": results.load()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=300, help="(a): transitions timed (>= 200)")
    parser.add_argument("--gap", type=float, default=0.25, help="(a): mean seconds between them")
    parser.add_argument("--down", type=float, default=60, help="(b): seconds standing for 24 h")
    parser.add_argument("--only", choices=["sqlite", "postgres"])
    parser.add_argument("--worker-args", default="", help='extra worker options, e.g. "--interval 1"')
    args = parser.parse_args()
    report = {"benchmark": "webhooks", "target_p95_s": TARGET_P95_S, "worker_args": args.worker_args,
              "load_before": results.load(), "backends": {}}
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as tmp:
        for kind, url in backends(args.only, "bench_webhooks"):
            print(f"\n{kind}: {where(url)}", flush=True)
            report["backends"][kind] = run(kind, url, args, Path(tmp))
    path = results.save_backends(RESULTS, report, args.only)
    print(f"\nwrote {results.shown(path)}")


if __name__ == "__main__":
    main()
