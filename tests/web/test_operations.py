"""What a deployer relies on: request ids, readiness, metrics behind a token."""

import io
import json
import logging

import pytest

from app.observability import BatchedStreamHandler, JsonFormatter


def test_request_id_is_echoed_or_made(client):
    sent = client.get("/healthz", headers={"X-Request-ID": "lb-1234.abc"})
    assert sent.headers["X-Request-ID"] == "lb-1234.abc"
    made = client.get("/healthz")
    assert len(made.headers["X-Request-ID"]) == 32
    hostile = client.get("/healthz", headers={"X-Request-ID": "x\" injected=1 " + "a" * 300})
    assert hostile.headers["X-Request-ID"] != "x\" injected=1 " and len(hostile.headers["X-Request-ID"]) == 32


def test_readyz_checks_database_and_documents(client, app):
    ok = client.get("/readyz")
    assert ok.status_code == 200 and ok.get_json()["checks"] == {"database": "ok", "documents": "ok"}
    app.config["BLOB_STORE"] = "/proc/no-such-place/blobs"
    down = client.get("/readyz")
    assert down.status_code == 503 and down.get_json()["checks"]["documents"] != "ok"


def test_metrics_are_not_public_by_default(client, app):
    assert client.get("/metrics").status_code == 404
    app.config["METRICS_TOKEN"] = "s3cret-token"
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    client.get("/healthz")
    answer = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
    assert answer.status_code == 200
    text = answer.get_data(as_text=True)
    assert 'motcua_http_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert "motcua_http_request_seconds_bucket" in text and "motcua_outbox_backlog" in text


def test_log_lines_are_json_with_the_request_id():
    record = logging.LogRecord("app", logging.INFO, __file__, 1, "request", None, None)
    record.request_id, record.status, record.path = "abc", 200, "/thu-tuc"
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc" and line["status"] == 200 and line["message"] == "request"


def test_each_line_has_its_own_second_though_the_stamp_is_kept_for_the_next():
    import time

    formatter = JsonFormatter()
    stamps = []
    for created in (1_780_000_000.1, 1_780_000_000.9, 1_780_000_001.2):
        record = logging.LogRecord("app", logging.INFO, __file__, 1, "request", None, None)
        record.created = created
        stamps.append(json.loads(formatter.format(record))["time"])
    expected = [time.strftime("%Y-%m-%dT%H:%M:%S%z", time.localtime(t))
                for t in (1_780_000_000, 1_780_000_001)]
    assert stamps == [expected[0], expected[0], expected[1]]


@pytest.fixture
def batched():
    """A logger of its own writing through a BatchedStreamHandler into a string: (make, stream)."""
    stream, log = io.StringIO(), logging.getLogger("test.batched")
    log.propagate = False
    log.setLevel(logging.INFO)

    def make(**options) -> tuple[logging.Logger, BatchedStreamHandler]:
        handler = BatchedStreamHandler(stream, **options)
        log.handlers[:] = [handler]
        return log, handler

    yield make, stream
    log.handlers[:] = []


def test_request_lines_are_written_in_batches_and_warnings_at_once(batched):
    make, stream = batched
    log, handler = make(seconds=60)
    log.info("first request")
    log.info("second request")
    assert stream.getvalue() == ""  # waiting: no write per request
    log.warning("something went wrong")  # at once, after what waited, in order
    assert stream.getvalue().splitlines() == ["first request", "second request", "something went wrong"]
    log.info("third request")
    handler.flush()  # a normal stop (logging.shutdown) flushes what waits
    assert stream.getvalue().splitlines()[-1] == "third request"
    log, _small = make(seconds=60, max_bytes=10)
    log.info("a line longer than ten bytes")
    assert stream.getvalue().splitlines()[-1] == "a line longer than ten bytes"


def test_a_quiet_spell_still_gets_its_lines_written(batched):
    make, stream = batched
    log, handler = make(seconds=0.05)
    log.info("the only request for a while")
    handler._timer.join(5)  # the timer that writes it, not a sleep
    assert stream.getvalue() == "the only request for a while\n"
