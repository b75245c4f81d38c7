"""Gunicorn settings for `make run` and for deployments; every value can be set from the environment.

On the embedded defaults (SQLite, no REDIS_URL) one worker process serves with several
threads: rate-limit counters then live in that one process and stay exact. With REDIS_URL
set (shared counters) the default is one worker per core, for several app servers too.
"""

import multiprocessing
import os
import re

bind = os.environ.get("GUNICORN_BIND", f"127.0.0.1:{os.environ.get('PORT', '5000')}")
_default_workers = multiprocessing.cpu_count() if os.environ.get("REDIS_URL") else 1
workers = int(os.environ.get("GUNICORN_WORKERS", _default_workers))
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
worker_class = "gthread"
# A client that promises a body and sends none (a lying Content-Length) is dropped after this.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
keepalive = 5
# Request line and headers: far more than a browser sends, far less than an attacker would like.
limit_request_line = 8190
limit_request_fields = 100
# The app writes one JSON line per request itself (app/observability.py), with its request id.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")


def on_starting(server):
    """gunicorn >= 25 listens on a control socket (`gunicornc`), by default one per user: a second
    server on the machine took it over, and `gunicornc` then reloaded or stopped the wrong one.
    Each server gets its own in its instance folder, named by the address it serves, unless
    --control-socket or GUNICORN_CONTROL_SOCKET names one."""
    cfg = server.cfg
    if cfg.control_socket == cfg.settings["control_socket"].default:
        instance = os.environ.get("INSTANCE_PATH") or os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                                   "instance")
        name = "gunicorn-" + re.sub(r"[^\w.-]", "-", cfg.bind[0]) + ".ctl"
        cfg.set("control_socket", os.environ.get("GUNICORN_CONTROL_SOCKET") or os.path.join(instance, name))


def post_worker_init(worker):
    """Everything the app built while loading (routes, models, catalogues, templates) lives as
    long as the worker: moved out of the garbage collector's sight, so its collections walk only
    what requests create, not the whole app, many times a second."""
    import gc

    gc.freeze()
