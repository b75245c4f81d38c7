"""What a deployer watches: a request id on every request, JSON log lines, Prometheus metrics.

The request id comes from `X-Request-ID` when a proxy (or a client) sent a sane one, or is
made here; it is echoed on the answer and carried by every log line of the request, so one
person's failed upload can be followed through HAProxy, gunicorn and the app.

Metrics are served at /metrics only to a caller that presents METRICS_TOKEN (Bearer); with
no token configured the path answers 404, so it is never public by default. Under several
gunicorn workers set PROMETHEUS_MULTIPROC_DIR so the figures are summed across processes.
"""

import hmac
import logging
import os
import random
import re
import sys
import threading
import time

import orjson
from flask import Flask, Response, abort, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)

_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")

REQUESTS = Counter("motcua_http_requests_total", "HTTP requests answered", ["route", "method", "status"])
LATENCY = Histogram("motcua_http_request_seconds", "Time to answer a request", ["route"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10))
OUTBOX_BACKLOG = Gauge("motcua_outbox_backlog", "Notifications waiting to be delivered",
                       multiprocess_mode="max")
OUTBOX_OLDEST = Gauge("motcua_outbox_oldest_seconds", "Age of the oldest undelivered notification",
                      multiprocess_mode="max")


class JsonFormatter(logging.Formatter):
    """One JSON object a line: what log collectors (Loki, ELK, CloudWatch) read without rules."""

    _second, _stamp = -1, ""  # the last second formatted: most lines share it with the one before

    def format(self, record: logging.LogRecord) -> str:
        second = int(record.created)
        if second != self._second:  # strftime is a third of a line's cost; once a second will do
            self._stamp, self._second = self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"), second
        entry = {"time": self._stamp, "level": record.levelname,
                 "logger": record.name, "message": record.getMessage()}
        for key in ("request_id", "method", "path", "status", "ms", "route"):
            if hasattr(record, key):
                entry[key] = getattr(record, key)
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        # orjson: UTF-8 as it is, like json.dumps(ensure_ascii=False), at a fortieth of the cost
        # (one line per request); str() for whatever a caller put in `extra`.
        return orjson.dumps(entry, default=str).decode()


class BatchedStreamHandler(logging.StreamHandler):
    """Log lines written to the stream in batches: a warning or worse at once (with whatever
    waits before it, in order), request lines at most `seconds` later or every `max_bytes`.

    One line per request was one write and flush, a system call, per request: the largest
    single cost of the cheapest request under gunicorn (bench/floor.py). What a worker killed
    outright (kill -9) loses is at most `seconds` of INFO lines; a normal stop flushes.
    """

    def __init__(self, stream, seconds: float = 0.5, max_bytes: int = 64 * 1024):
        super().__init__(stream)
        self.seconds, self.max_bytes = seconds, max_bytes
        self._pending: list[str] = []
        self._size, self._last, self._timer = 0, time.monotonic(), None

    def emit(self, record: logging.LogRecord) -> None:  # called holding self.lock
        try:
            line = self.format(record) + self.terminator
        except Exception:  # noqa: BLE001 - logging's own rule: a bad record never breaks the caller
            self.handleError(record)
            return
        self._pending.append(line)
        self._size += len(line)
        if (record.levelno >= logging.WARNING or self._size >= self.max_bytes
                or time.monotonic() - self._last >= self.seconds):
            self._write()
        elif self._timer is None or not self._timer.is_alive():  # a quiet spell still gets written
            self._timer = threading.Timer(self.seconds, self.flush)
            self._timer.daemon = True
            self._timer.start()

    def flush(self) -> None:
        with self.lock:
            self._write()

    def _write(self) -> None:
        self._last = time.monotonic()
        if not self._pending:
            return
        text, self._pending, self._size = "".join(self._pending), [], 0
        self.stream.write(text)
        self.stream.flush()


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        from flask import has_request_context

        if not hasattr(record, "request_id") and has_request_context():
            record.request_id = g.get("request_id", "")
        return True


def new_request_id() -> str:
    """32 hex digits, like a uuid4's, for following one request through the logs: not a secret,
    so from `random` (reseeded in each forked worker) rather than the OS's entropy, which cost
    7 us a request here against 0.3."""
    return f"{random.getrandbits(128):032x}"


def register(app: Flask) -> None:
    """Attach request ids, JSON logs and metrics to the app."""
    if app.config.get("LOG_JSON", True) and not app.testing:
        handler = BatchedStreamHandler(sys.stderr, seconds=app.config["LOG_FLUSH_SECONDS"])
        handler.setFormatter(JsonFormatter())
        handler.addFilter(_RequestIdFilter())
        app.logger.handlers[:] = [handler]
        app.logger.setLevel(app.config.get("LOG_LEVEL", "INFO"))
        app.logger.propagate = False

    @app.before_request
    def _start():
        # From the environ: werkzeug answers an absent header by raising and catching KeyError.
        sent = request.environ.get("HTTP_X_REQUEST_ID", "")
        g.request_id = sent if _SANE_ID.match(sent) else new_request_id()
        g.started = time.perf_counter()

    @app.after_request
    def _finish(response):
        route = request.url_rule.rule if request.url_rule else "unmatched"
        elapsed = time.perf_counter() - g.get("started", time.perf_counter())
        response.headers["X-Request-ID"] = g.get("request_id", "")
        REQUESTS.labels(route, request.method, response.status_code).inc()
        LATENCY.labels(route).observe(elapsed)
        if app.config.get("LOG_REQUESTS", True) and not app.testing:
            app.logger.info("request", extra={
                "request_id": g.get("request_id", ""), "method": request.method,
                "path": request.path, "route": route, "status": response.status_code,
                "ms": round(elapsed * 1000, 1)})
        return response

    @app.get("/metrics")
    def metrics():
        """Prometheus figures, for the holder of METRICS_TOKEN only."""
        token = app.config.get("METRICS_TOKEN") or ""
        sent = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        if not token or not hmac.compare_digest(sent.encode(), token.encode()):
            abort(404)
        _sample_outbox()
        return Response(generate_latest(_registry()), mimetype=CONTENT_TYPE_LATEST)


def _registry():
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return registry
    from prometheus_client import REGISTRY

    return REGISTRY


def _sample_outbox() -> None:
    """Read the notification backlog now, when it is asked for, not on every request."""
    from app.extensions import db
    from app.lib.time import utcnow
    from app.models import Notification

    count, oldest = db.session.execute(
        db.select(db.func.count(), db.func.min(Notification.created_at))
        .where(Notification.sent_at.is_(None), Notification.failed_at.is_(None))).one()
    OUTBOX_BACKLOG.set(count)
    OUTBOX_OLDEST.set((utcnow() - oldest).total_seconds() if oldest else 0)
