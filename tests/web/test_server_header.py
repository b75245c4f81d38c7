"""No response names the server's or Python's version: the app adds none, and `make run`'s
gunicorn (gunicorn.conf.py) says only "gunicorn"."""

import http.client
import os
import re
import socket
import subprocess
import sys
import time

from app.config import ROOT

VERSIONED = re.compile(r"werkzeug|python|gunicorn/|\d+\.\d+", re.IGNORECASE)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _no_version_anywhere(headers: list[tuple[str, str]]) -> None:
    names = {name.lower() for name, _value in headers}
    assert "x-powered-by" not in names
    for name, value in headers:
        if name.lower() in ("server", "via", "x-powered-by", "x-runtime", "x-version"):
            assert not VERSIONED.search(value), f"{name}: {value}"


def test_the_app_itself_sets_no_server_header(client):
    for path in ("/", "/dang-nhap", "/khong-co-trang-nay", "/healthz", "/api/v1/openapi.json"):
        response = client.get(path)
        assert "Server" not in response.headers
        _no_version_anywhere(list(response.headers.items()))


def test_make_run_server_names_no_version(tmp_path):
    port = _free_port()
    env = os.environ | {"PORT": str(port), "INSTANCE_PATH": str(tmp_path), "SECRET_KEY": "x" * 32,
                        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}", "GUNICORN_WORKERS": "1",
                        "GUNICORN_THREADS": "1"}
    log = (tmp_path / "gunicorn.log").open("w")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
                               "app:create_app()"], cwd=ROOT, env=env, stdout=log, stderr=log,
                              start_new_session=True)
    try:
        # gunicorn listens before its worker has loaded the app, so wait for an answer, not for
        # the port: on a loaded machine the first worker takes many seconds to import the app.
        deadline = time.monotonic() + 90
        while True:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                assert server.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
            finally:
                conn.close()
        for path in ("/healthz", "/dang-nhap", "/khong-co-trang-nay"):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            headers = response.getheaders()
            conn.close()
            assert response.getheader("Server") == "gunicorn", headers
            _no_version_anywhere(headers)
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()
