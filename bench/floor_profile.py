"""Where the app's floor goes: GET /healthz and POST /api/v1/track in this process, beside the
bare Flask view, with every hook listed and the costliest frames (pyinstrument) shown.

    .venv/bin/python bench/floor_profile.py [--requests 3000] [--postgres URL] [--html DIR]

Requests go through Werkzeug's test client (the same WSGI call gunicorn makes, without the
socket), so the difference between the app and the bare view is the app's own per-request work:
hooks, extensions, the database round trip. CPU time of this process, not wall time: steadier on
a shared machine. Prints the figures and writes bench/results/floor_profile.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.floor import NO_LIMIT, track_bodies  # noqa: E402
from bench.lib import results  # noqa: E402
from bench.lib.instance import Instance  # noqa: E402

HEADERS = {"Accept-Encoding": "gzip, deflate, br"}


def cpu_per_request(client, method: str, path: str, bodies: list[bytes], n: int) -> float:
    """CPU ms per request over n requests (after n // 10 untimed)."""
    def one(i: int):
        if method == "GET":
            return client.get(path, headers=HEADERS)
        return client.post(path, data=bodies[i % len(bodies)], headers=HEADERS,
                           content_type="application/json")

    for i in range(n // 10):
        one(i)
    t0 = time.process_time()
    for i in range(n):
        one(i)
    return round((time.process_time() - t0) * 1000 / n, 3)


def _name(f) -> str:
    f = getattr(f, "func", f)  # functools.partial
    return f"{getattr(f, '__module__', '?')}.{getattr(f, '__qualname__', repr(f))}"


def hooks(app) -> dict:
    """Every function Flask runs around a request, by kind, as module.name."""
    def names(table):
        return {str(bp or "app"): [_name(f) for f in funcs] for bp, funcs in table.items() if funcs}
    return {"before_request": names(app.before_request_funcs),
            "after_request": names(app.after_request_funcs),
            "teardown_request": names(app.teardown_request_funcs),
            "teardown_appcontext": [_name(f) for f in app.teardown_appcontext_funcs],
            "wsgi_middleware": type(app.wsgi_app).__module__ + "." + type(app.wsgi_app).__qualname__}


def ablate(app, client, bodies, n: int) -> dict:
    """GET /healthz's CPU per request with each app-wide hook left out in turn (and with the
    view's SELECT 1 left out): what each one costs. The baseline is measured before and after,
    so the spread between the two says how much to trust a difference."""
    from flask import jsonify

    out = {"baseline": cpu_per_request(client, "GET", "/healthz", bodies, n)}
    for table in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        funcs = table.get(None, [])
        for i, f in enumerate(list(funcs)):
            del funcs[i]
            try:
                out[f"without {_name(f)}"] = cpu_per_request(client, "GET", "/healthz", bodies, n)
            finally:
                funcs.insert(i, f)  # back in its place: the order of hooks matters
    view = app.view_functions["pwa.healthz"]
    app.view_functions["pwa.healthz"] = lambda: jsonify(status="ok")
    out["without the view's SELECT 1"] = cpu_per_request(client, "GET", "/healthz", bodies, n)
    app.view_functions["pwa.healthz"] = view
    out["baseline again"] = cpu_per_request(client, "GET", "/healthz", bodies, n)
    base = (out["baseline"] + out["baseline again"]) / 2
    return {k: {"cpu_ms": v, "saves_ms": round(base - v, 3)} for k, v in out.items()}


def profile(client, method, path, bodies, n: int, html: Path | None) -> str:
    from pyinstrument import Profiler

    profiler = Profiler(interval=0.0005)
    profiler.start()
    cpu_per_request(client, method, path, bodies, n)
    profiler.stop()
    if html:
        html.mkdir(parents=True, exist_ok=True)
        (html / f"{path.strip('/').replace('/', '_')}.html").write_text(profiler.output_html())
    return profiler.output_text(unicode=True, color=False, show_all=False, short_mode=False)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--requests", type=int, default=3000)
    p.add_argument("--dossiers", type=int, default=2000)
    p.add_argument("--postgres", default=None)
    p.add_argument("--html", type=Path, default=None, help="also write pyinstrument's HTML pages here")
    p.add_argument("--no-profile", action="store_true")
    p.add_argument("--ablate", action="store_true", help="also leave each hook out in turn")
    args = p.parse_args(argv)
    with Instance(args.postgres, TRACK_RATE_LIMIT=NO_LIMIT) as inst:
        from bench.lib.seed import seed_database

        seeded = seed_database(args.dossiers, random.Random(1))
        bodies = [b for b, _e in track_bodies(seeded["pairs"], random.Random(2), 500, seeded["agency_code"])]
        from app import create_app
        from bench.lib.bare import make_app

        app, bare = create_app(), make_app()
        client, bare_client = app.test_client(), bare.test_client()
        n = args.requests
        figures = {"bare_get": cpu_per_request(bare_client, "GET", "/", bodies, n),
                   "floor_get_healthz": cpu_per_request(client, "GET", "/healthz", bodies, n),
                   "track_post": cpu_per_request(client, "POST", "/api/v1/track", bodies, n // 2)}
        figures["floor_pct_of_bare"] = round(100 * figures["bare_get"] / figures["floor_get_healthz"], 1)
        figures["track_pct_of_floor"] = round(100 * figures["floor_get_healthz"] / figures["track_post"], 1)
        report = {"kind": inst.kind, "requests": n, "cpu_ms_per_request": figures, "hooks": hooks(app),
                  "machine": results.machine(inst.db_url)}
        print(json.dumps(figures, indent=2))
        print(json.dumps(report["hooks"], indent=2))
        if args.ablate:
            report["ablation"] = ablate(app, client, bodies, n)
            for k, v in sorted(report["ablation"].items(), key=lambda kv: -kv[1]["saves_ms"]):
                print(f"  {k:80} {v['cpu_ms']:7.3f} ms  saves {v['saves_ms']:6.3f} ms")
        if not args.no_profile:
            for method, path in (("GET", "/healthz"), ("POST", "/api/v1/track")):
                text = profile(client, method, path, bodies, n, args.html)
                report[f"profile {method} {path}"] = text.splitlines()
                print(text)
    out = results.save_runs(results.RESULTS / "floor_profile.json", "bench/floor_profile.py",
                            inst.kind, report)
    print(f"Wrote {results.shown(out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
