"""Outbox benchmark: how long a phone's queue takes to empty once the signal is back, on a
flaky link (issue 15), with the outbox scripts of now and of before the fix.

    .venv/bin/python bench/outbox_faults.py [--seeds 10] [--dossiers 12] [--series after fault_free before]

For each seed, in a fresh Chromium profile (Debian's /usr/bin/chromium, never downloaded):
N dossiers, two camera-like photos each, are filled and submitted through the real apply
form with the network off; the outbox page is opened; then the network comes back through
the fault layer of the browser tests (tests/browser/faults.py, seeded by the run's seed:
15 % of uploads and manifests reset before the server, 15 % reset after the server
answered, 10 % answered 503) and the clock runs until the page shows a code for every
item (the `online` event is the only trigger: nothing is pressed). Afterwards the server
must hold exactly N new dossiers, one per item, two documents each.

Series: `after` (the scripts as they are now, under faults), `fault_free` (the same with
no faults: the floor), `before` (sync.js, send.js and outbox-page.js as they were at
--before-rev, the commit before the fix, served by a second server from a copy of static/
that has no backoff.js; under the same faults). A run not drained after --timeout seconds
is stopped and counted as not drained. The server is not killed (the browser test does
not do that either). Each series is written into bench/results/outbox_faults.json with its
time, commit and machine load; series not run keep their last figures.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from app.pwa import worker  # noqa: E402
from bench.lib import results  # noqa: E402
from bench.pwa import serve  # noqa: E402
from tests.browser.conftest import ARGS, CHROMIUM, PHONE  # noqa: E402
from tests.browser.faults import Faults  # noqa: E402
from tests.browser.photos import camera_jpeg  # noqa: E402
from tests.browser.support import (  # noqa: E402
    FORM_READY,
    OUTBOX,
    QUEUED,
    SUBMIT,
    fill_apply_form,
    wait_for_worker,
    wait_until,
)

OUT = ROOT / "bench" / "results" / "outbox_faults.json"
FIX = "aafb363"  # "Outbox on a flaky link: ..." (issue 15)
# The scripts that decide when and how items are sent; outbox.js (the store) is shared.
OURS = ["static/js/sync.js", "static/js/backoff.js", "static/js/send.js", "static/js/outbox-page.js"]
RATES = {"before": 0.15, "after": 0.15, "unavailable": 0.10}
NO_FAULTS = {"before": 0.0, "after": 0.0, "unavailable": 0.0}
SENT_CARDS = "document.querySelectorAll('.outbox-item[data-state=sent] .code').length"
POLL_MS = 200


def git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()


def old_static(rev: str, folder: Path) -> Path:
    """A copy of static/ with the outbox scripts as they were at `rev` (absent if absent then)."""
    target = folder / "static"
    shutil.copytree(ROOT / "static", target)
    for path in OURS:
        shown = subprocess.run(["git", "show", f"{rev}:{path}"], cwd=ROOT, capture_output=True)
        dest = target / path.removeprefix("static/")
        if shown.returncode == 0:
            dest.write_bytes(shown.stdout)
        else:
            dest.unlink()
    return target


def start(folder: Path, static: Path | None = None) -> dict:
    """The app on a local port (bench/pwa.py's server), optionally with another static folder."""
    folder.mkdir()
    server, counter, base, target = serve(folder)
    app = counter.app
    if static is not None:  # before any request: nothing read or cached from the real one
        app.static_folder = str(static)
        app.extensions["pwa_assets"].folder = str(static)
    return {"server": server, "app": app, "base": base, "target": target}


def held(app) -> dict:
    """Every dossier the server holds: client id -> (code, number of documents)."""
    from app.extensions import db
    from app.models import Dossier

    with app.app_context():
        rows = db.session.execute(db.select(Dossier)).scalars().all()
        out = {d.client_id: (d.code, len(d.documents)) for d in rows}
        db.session.remove()
    return out


def queue_offline(browser, srv: dict, photos: list, n: int, seed: int):
    """A fresh profile with `n` dossiers queued offline through the form: (context, page, tried)."""
    ctx = browser.new_context(base_url=srv["base"], viewport=PHONE, service_workers="allow")
    page = ctx.new_page()
    tried = []  # uploads and manifests the page fired while offline
    page.on("request", lambda r: "/api/v1/" in r.url and r.method in ("PUT", "POST") and tried.append(r.url))
    form = f"/thu-tuc/{srv['target']['code']}/nop"
    try:
        page.goto(form)
        wait_for_worker(page)
        ctx.set_offline(True)
        for i in range(n):
            page.goto(form)  # from the service worker
            wait_until(page, FORM_READY)
            fill_apply_form(page, srv["target"], photos[2 * i: 2 * i + 2])
            page.fill("#applicant-name", f"Người nộp {seed}-{i}")
            page.click(SUBMIT)
            page.locator(QUEUED).wait_for()
        page.goto("/hop-thu-di")
        wait_until(page, f"document.querySelectorAll('.outbox-item[data-state=waiting]').length === {n}",
                   timeout=30)
    except Exception:
        ctx.close()
        raise
    return ctx, page, tried


def one_run(browser, srv: dict, photos: list, n: int, seed: int, rates: dict, timeout: float) -> dict:
    try:
        ctx, page, tried = queue_offline(browser, srv, photos, n, seed)
    except AssertionError as exc:  # queueing is the setup, not what is measured: once more, afresh
        print(f"  seed {seed}: queueing again ({str(exc)[:120]})", flush=True)
        ctx, page, tried = queue_offline(browser, srv, photos, n, seed)
    queued = page.evaluate(OUTBOX)
    tried_offline = len(tried)
    before = held(srv["app"])
    faults = Faults(seed, **rates)
    faults.attach(page)
    load = os.getloadavg()[0]
    t0 = time.monotonic()
    ctx.set_offline(False)  # the signal is back: the `online` event is the only trigger
    shown = 0
    while time.monotonic() - t0 < timeout:
        shown = page.evaluate(SENT_CARDS)
        if shown == n:
            break
        page.wait_for_timeout(POLL_MS)  # the fault layer answers requests meanwhile
    seconds = time.monotonic() - t0
    items = page.evaluate(OUTBOX)
    ctx.close()
    now = held(srv["app"])
    new = {k: v for k, v in now.items() if k not in before}
    sent = [i for i in items if i["state"] == "sent"]
    return {
        "seed": seed, "drained": shown == n, "seconds": round(seconds, 1), "sent": len(sent),
        "load_1min": round(load, 2),
        "requests": faults.requests, "requests_per_dossier": round(faults.requests / n, 2),
        "faults": {k: faults.counts[k] for k in ("reset_before", "reset_after", "unavailable", "through")},
        "tried_offline": tried_offline,  # requests the page fired with the network off
        "attempts_at_online": sum(i["attempts"] or 0 for i in queued),  # counted before the link came back
        "attempts_max": max((i["attempts"] or 0) for i in items),
        "server_new": len(new),  # may exceed `sent` when not drained: answers lost, not yet replayed
        # Exactly once: one new dossier per item and no other, two documents each, its code shown.
        "exactly_once": set(new) <= {i["id"] for i in items}
        and all(docs == 2 for _code, docs in new.values())
        and all(i["id"] in new and new[i["id"]][0] == i["result"]["code"] for i in sent)
        and (shown < n or len(new) == n),
    }


def summary(runs: list[dict], timeout: float) -> dict:
    ok = [r for r in runs if "error" not in r]
    if not ok:
        return {"runs": 0, "errors": len(runs)}
    secs = [r["seconds"] for r in ok]  # a run not drained counts as the cap: a lower bound
    stuck = sum(not r["drained"] for r in ok)
    return {"runs": len(ok), "drained": len(ok) - stuck, "not_drained": stuck,
            "median_s": round(statistics.median(secs), 1), "worst_s": max(secs),
            "median_is_lower_bound": stuck * 2 >= len(ok), "worst_is_lower_bound": stuck > 0,
            "requests_per_dossier_median": statistics.median(r["requests_per_dossier"] for r in ok),
            "requests_per_dossier_max": max(r["requests_per_dossier"] for r in ok),
            "tried_offline_median": statistics.median(r["tried_offline"] for r in ok),
            "attempts_at_online_median": statistics.median(r["attempts_at_online"] for r in ok),
            "exactly_once": all(r["exactly_once"] for r in ok),
            "load_1min_median": round(statistics.median(r["load_1min"] for r in ok), 2),
            "failed_to_queue": len(runs) - len(ok), "timeout_s": timeout}


def measure(browser, srv: dict, photos: list, n: int, jobs: list, timeout: float, save) -> None:
    """Run `jobs` [(series, seed, rates)] in order; `save` each series' summary, load and runs
    after each run (a long benchmark stopped early keeps what it measured, as not complete)."""
    uptime_start, runs = results.uptime(), {}
    rates_of = {label: r for label, _seed, r in jobs}

    def summaries(final: bool) -> dict:
        return {label: summary(done, timeout) | {
            "when": datetime.now(UTC).isoformat(timespec="seconds"), "fault_rates": rates_of[label],
            "uptime_start": uptime_start, "uptime_end": results.uptime(), "complete": final,
            "runs_detail": done} for label, done in runs.items()}

    for label, seed, rates in jobs:
        try:
            run = one_run(browser, srv, photos, n, seed, rates, timeout)
        except AssertionError as exc:  # queueing failed twice: said, never a number made up
            run = {"seed": seed, "error": str(exc)[:200]}
        shown = {k: v for k, v in run.items() if k != "faults"}
        print(f"{label} seed {seed}: {json.dumps(shown)}", flush=True)
        runs.setdefault(label, []).append(run)
        save(summaries(False))
    save(summaries(True))


def line(name: str, s: dict) -> str:
    if not s.get("runs"):
        return f"{name}: no runs"
    worst = f"≥ {s['worst_s']}" if s["worst_is_lower_bound"] else s["worst_s"]
    median = f"≥ {s['median_s']}" if s["median_is_lower_bound"] else s["median_s"]
    return (f"{name}: {s['drained']}/{s['runs']} drained within {s['timeout_s']:.0f} s; median {median} s, "
            f"worst {worst} s; {s['requests_per_dossier_median']} requests/dossier (max "
            f"{s['requests_per_dossier_max']}); {s['tried_offline_median']} requests tried offline; "
            f"exactly once: {s['exactly_once']}; load {s['load_1min_median']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=10, help="runs per faulty series")
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--dossiers", type=int, default=12)
    parser.add_argument("--clean-runs", type=int, default=4, help="fault-free runs, among the faulty ones")
    parser.add_argument("--series", nargs="+", choices=["after", "fault_free", "before"],
                        default=["after", "fault_free", "before"])
    parser.add_argument("--before-rev", default=f"{FIX}^", help="the outbox scripts of 'before'")
    parser.add_argument("--timeout", type=float, default=240.0, help="cap of one run's drain, s")
    parser.add_argument("--out", type=Path, default=OUT, help="results file (merged into)")
    args = parser.parse_args()
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    dirty = bool(git("status", "--porcelain", "--", *OURS, "static/js/outbox.js"))
    common = {"commit": git("rev-parse", "--short", "HEAD") + ("+uncommitted" if dirty else ""),
              "dossiers": args.dossiers, "photos_per_dossier": 2, "photo_px": [2400, 1800],
              "target_worst_s": 60}
    rev = git("rev-parse", "--short", args.before_rev)

    def save(part: dict) -> None:  # series not run now keep their last figures
        part = {k: common | ({"scripts_at": rev} if k == "before" else {}) | v for k, v in part.items()}
        results.write_json(args.out, results.read_json(args.out) | part)

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        folder = Path(tmp)
        # The service worker's source is read on each request: keep this moment's, so that work
        # going on in the tree meanwhile cannot change it under a running benchmark.
        shutil.copy(worker.SOURCE, folder / "sw.js")
        worker.SOURCE = folder / "sw.js"
        print("drawing photos ...", flush=True)
        photos = []
        for k in range(2 * args.dossiers):
            path = folder / f"IMG_{k:04d}.jpg"
            path.write_bytes(camera_jpeg(500 + k, size=(2400, 1800)))
            photos.append(path)
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        common["browser"] = browser.version
        # Fault-free runs spread among the faulty ones, so both see the same load on a shared machine.
        clean = seeds[:: max(1, len(seeds) // max(1, args.clean_runs))][: args.clean_runs]
        jobs = [job for seed in seeds for job in (("after", seed, RATES), ("fault_free", seed, NO_FAULTS))
                if job[0] in args.series and (job[0] == "after" or seed in clean)]
        if jobs:
            srv = start(folder / "now")
            measure(browser, srv, photos, args.dossiers, jobs, args.timeout, save)
            srv["server"].shutdown()
        if "before" in args.series:
            srv = start(folder / "before", old_static(rev, folder / "old"))
            jobs = [("before", seed, RATES) for seed in seeds]
            measure(browser, srv, photos, args.dossiers, jobs, args.timeout, save)
            srv["server"].shutdown()
        browser.close()
    result = results.read_json(args.out) | {"machine": results.machine()}
    print("\n".join(line(name, result[name]) for name in ("after", "fault_free", "before") if name in result))
    print(f"written {results.shown(results.write_json(args.out, result))}")


if __name__ == "__main__":
    main()
