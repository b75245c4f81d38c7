"""Serving for benchmarks: an app instance's environment, and gunicorn on a free loopback port.

    env = instance_env(tmp / "instance", "sqlite:///...")      # or a PostgreSQL URL
    with Server("app", env=env) as app:                         # started, ready on /readyz
        ...app.url...
        app.kill()                                              # kill -9, master and workers
        app.restart()                                           # same port, ready again

A server runs in its own process group, so `kill` and `stop` reach every worker and nothing is
left listening. Its log is `<logdir>/gunicorn-<name>.log`.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APP = "app:create_app()"
BARE = "bench.lib.bare:make_app()"
_TAKEN: set[int] = set()


def free_port(first: int = 5081, last: int = 5099) -> int:
    """A free loopback port in first..last not handed out before by this process, else an
    ephemeral one."""
    for port in [*range(first, last + 1), 0]:
        if port in _TAKEN:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            port = s.getsockname()[1]
        _TAKEN.add(port)
        return port
    raise RuntimeError("no free port")


def instance_env(instance: Path, database_url: str, **extra: str) -> dict[str, str]:
    """The environment of an app instance in `instance` (created): its database, a document
    folder, a random SECRET_KEY, no Redis; `extra` adds or overrides variables (BLOB_STORE,
    REDIS_URL, TRACK_RATE_LIMIT, ...). The process's own environment is the base."""
    instance.mkdir(parents=True, exist_ok=True)
    if database_url.startswith("postgresql://"):
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    env = os.environ.copy()
    env.update({"INSTANCE_PATH": str(instance), "DATABASE_URL": database_url,
                "BLOB_STORE": str(instance / "blobs"), "SECRET_KEY": secrets.token_hex(32),
                "REDIS_URL": "", "PYTHONDONTWRITEBYTECODE": "1"})
    env.update(extra)
    return env


def gunicorn_args(workers: int, threads: int = 4, keep_alive: int = 30) -> list[str]:
    """The worker settings every benchmark server uses (gthread, long keep-alive, deep backlog)."""
    return ["--workers", str(workers), "--worker-class", "gthread", "--threads", str(threads),
            "--keep-alive", str(keep_alive), "--backlog", "2048"]


class Server:
    """One gunicorn master (in its own process group) and its workers, on 127.0.0.1:port.

    `target` is a gunicorn app spec; `args` gunicorn options (default: gunicorn_args(2));
    `probe` the path that answers once the server can take traffic. Started and waited for
    unless start=False. The port stays the same across restarts (a balancer's config holds it).
    """

    def __init__(self, name: str, target: str = APP, *, env: dict | None = None,
                 args: list[str] | None = None, logdir: Path | None = None, port: int | None = None,
                 probe: str = "/readyz", start: bool = True, timeout: float = 60):
        self.name, self.target, self.probe = name, target, probe
        self.env = env if env is not None else os.environ.copy()
        self.args = args if args is not None else gunicorn_args(2)
        self.port = port or free_port()
        logdir = logdir or Path(self.env.get("INSTANCE_PATH") or ROOT / "instance")
        self.log = Path(logdir) / f"gunicorn-{name}.log"
        self.proc: subprocess.Popen | None = None
        self.starts = 0
        if start:
            self.start(timeout=timeout)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def command(self) -> list[str]:
        return [sys.executable, "-m", "gunicorn", *self.args, "--bind", f"127.0.0.1:{self.port}",
                "--chdir", str(ROOT), "--log-level", "warning", "--error-logfile", str(self.log),
                self.target]

    def start(self, wait: bool = True, timeout: float = 60) -> Server:
        if self.alive():
            raise RuntimeError(f"{self.name} server is already running")
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(self.command(), env=self.env, cwd=ROOT, start_new_session=True,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
        self.starts += 1
        if wait:
            self.wait_ready(timeout=timeout)
        return self

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, probe: str | None = None, timeout: float = 60) -> None:
        """Until `probe` answers 200 (the server exiting or the time running out raises)."""
        probe = probe or self.probe
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.alive():
                raise RuntimeError(f"{self.name} server exited:\n{self.log_tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
                try:
                    conn.request("GET", probe)
                    if conn.getresponse().status == 200:
                        return
                finally:
                    conn.close()
            time.sleep(0.2)
        raise RuntimeError(f"{self.name} server not ready within {timeout}s:\n{self.log_tail()}")

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Send `sig` to the whole process group (default kill -9: no graceful shutdown), reap
        the master, and SIGKILL whatever is left of the group (no worker keeps the port)."""
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=15)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                return
            time.sleep(0.05)

    def restart(self, wait: bool = True, timeout: float = 60) -> Server:
        """Start again on the same port (after kill or stop)."""
        if self.alive():
            self.stop()
        return self.start(wait=wait, timeout=timeout)

    def stop(self) -> None:
        """Graceful (SIGTERM, up to 15 s), then SIGKILL for anything left in the group."""
        if self.proc is None:
            return
        if self.alive():
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                pass
        self.kill(signal.SIGKILL)

    def log_tail(self, lines: int = 30) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def cpu_seconds(self) -> float:
        """User+system CPU of the master and its live workers."""
        if self.proc is None:
            return 0.0
        tick, total = os.sysconf("SC_CLK_TCK"), 0
        for entry in os.scandir("/proc"):
            if not entry.name.isdigit():
                continue
            with contextlib.suppress(OSError, IndexError, ValueError):
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
                if int(entry.name) == self.proc.pid or int(fields[1]) == self.proc.pid:
                    total += int(fields[11]) + int(fields[12])
        return total / tick

    def __enter__(self) -> Server:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
