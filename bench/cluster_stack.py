"""The two-server stack of bench/cluster.py: shared state outside the app, two app servers, a balancer.

PostgreSQL (the machine's, database `test_cluster`, recreated), Redis (the machine's, one DB
number of its own, flushed), moto's standalone S3 server (tests/s3_server.py), a loopback
SMTP server that keeps every message it is handed, two gunicorn servers of the app with the
same SECRET_KEY, database, Redis and bucket (bench/lib/serve.py), Debian's HAProxy in front
(round robin, health check /readyz) and two `flask worker` processes.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from email import message_from_bytes
from pathlib import Path

from bench.lib.serve import Server, gunicorn_args
from tests.s3_server import MotoServer
from tests.s3_server import client as s3_client

ROOT = Path(__file__).resolve().parents[1]
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
PG = "postgresql+psycopg://postgres@127.0.0.1:5432/"
BUCKET = "motcua-cluster"
STAFF_EMAIL, STAFF_PASSWORD = "can-bo-hai-may@motcua.test", "mat-khau-hai-may-chu"  # proof (b)

HAPROXY_CFG = """\
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 65s
    timeout server 65s
    # A check's whole answer may take this long: on a busy machine /readyz waits for a free
    # thread behind uploads, and the default (`inter`) would mark both servers down at once.
    timeout check 5s
    retries 2
    option redispatch
frontend web
    bind 127.0.0.1:{port}
    default_backend motcua
backend motcua
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    option forwardfor
    http-request set-header X-Request-ID %[uuid()] unless {{ req.hdr(X-Request-ID) -m found }}
    http-response set-header X-Served-By %s
{servers}
"""


def free_port() -> int:
    """An ephemeral loopback port (bench/lib's fixed range is shared with other benchmarks)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid: int | None) -> float:
    """User+system CPU of one process so far (0 once it is gone)."""
    with contextlib.suppress(OSError, IndexError, ValueError, TypeError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return 0.0


class MailSink:
    """A loopback SMTP server (aiosmtpd) that keeps each message's Message-ID and recipient."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        msg = message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            self.messages.append((msg.get("Message-ID", ""), ",".join(envelope.rcpt_tos)))
        return "250 OK"

    def start(self) -> MailSink:
        self.controller.start()
        return self

    def stop(self) -> None:
        with contextlib.suppress(Exception):
            self.controller.stop()


def psql(*sql: str, database: str = "postgres") -> str:
    out = subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qAt", "-F", "\x1f",
                          "-v", "ON_ERROR_STOP=1", *[a for s in sql for a in ("-c", s)]],
                         capture_output=True, text=True, check=True)
    return out.stdout


class Stack:
    """Everything bench/cluster.py runs against; `start()` brings it up, `stop()` takes it down."""

    def __init__(self, tmp: Path, database: str = "test_cluster", redis_db: int = 13,
                 workers: int = 2, threads: int = 4, own_redis: bool = False):
        if database == "test":
            raise SystemExit("the database `test` is the lead's; choose another")
        self.tmp, self.database, self.redis_db = tmp, database, redis_db
        self.workers, self.threads = workers, threads
        self.track_limit = 10
        self.database_url = PG + database
        # Our own redis-server (on a free port) only when the proof is to stop and restart it.
        self.redis_port = free_port() if own_redis else 6379
        self.redis_proc: subprocess.Popen | None = None
        self.redis_url = f"redis://127.0.0.1:{self.redis_port}/{redis_db}"
        self.moto = MotoServer()
        self.mail = MailSink()
        self.sms_spool = tmp / "sms.log"
        self.lb_port = free_port()
        self.servers: list[Server] = []
        self.haproxy: subprocess.Popen | None = None
        self.workers_procs: list[subprocess.Popen] = []
        self.env: dict[str, str] = {}

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.lb_port}"

    # -- shared state ---------------------------------------------------------------------
    def fresh_database(self) -> None:
        psql(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)', f'CREATE DATABASE "{self.database}"')

    def fresh_redis(self) -> None:
        import redis

        if self.redis_port != 6379 and (self.redis_proc is None or self.redis_proc.poll() is not None):
            self.redis_proc = subprocess.Popen(
                ["redis-server", "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                 "--appendonly", "no"], stdout=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + 20
        while True:
            try:
                redis.Redis.from_url(self.redis_url).flushdb()  # this DB number only
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def kill_redis(self) -> None:
        self.redis_proc.kill()
        self.redis_proc.wait(10)

    def app_env(self, instance: Path) -> dict[str, str]:
        instance.mkdir(parents=True, exist_ok=True)
        env = os.environ.copy()
        env.update(self.env)
        env["INSTANCE_PATH"] = str(instance)
        return env

    def flask(self, *args: str, instance: str = "cli") -> str:
        done = subprocess.run([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                              env=self.app_env(self.tmp / instance), capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}{done.stderr}")
        return done.stdout

    def start(self) -> Stack:
        self.fresh_database()
        self.fresh_redis()
        self.moto.start()
        s3_client(self.moto.url).create_bucket(Bucket=BUCKET)
        self.mail.start()
        self.env = {
            "SECRET_KEY": secrets.token_hex(32), "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url, "BLOB_STORE": f"s3://{BUCKET}/docs",
            "S3_ENDPOINT_URL": self.moto.url, "AWS_ACCESS_KEY_ID": "test",
            "AWS_SECRET_ACCESS_KEY": "test", "AWS_DEFAULT_REGION": "us-east-1",
            "TRUSTED_PROXIES": "1", "PUBLIC_URL": self.url, "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.mail.port), "SMS_SPOOL": str(self.sms_spool),
            "LOG_REQUESTS": "0", "PYTHONDONTWRITEBYTECODE": "1",
            "TRACK_RATE_LIMIT": f"{self.track_limit} per minute",
        }
        self.flask("db", "upgrade")
        # The catalogue loads while the servers boot (each process imports the app: seconds).
        # The catalogue and the officer of proof (b) are made while the servers boot.
        officer = ["create-user", STAFF_EMAIL, "--role", "reception", "--password", STAFF_PASSWORD]
        setup = [subprocess.Popen([sys.executable, "-m", "flask", "--app", "app", *args], cwd=ROOT,
                                  env=self.app_env(self.tmp / f"cli{k}"), stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
                 for k, args in enumerate([["seed-demo"], officer])]
        for name in ("app1", "app2"):
            instance = self.tmp / name
            env = self.app_env(instance)
            metrics = instance / "prometheus"
            metrics.mkdir(parents=True, exist_ok=True)
            env["PROMETHEUS_MULTIPROC_DIR"] = str(metrics)
            # gunicorn >= 25 opens a control socket, by default one per user ($HOME/.gunicorn):
            # two servers on one machine would fight over it; each gets its own.
            args = gunicorn_args(self.workers, self.threads) + [
                "--control-socket", str(self.tmp / f"{name}.ctl")]
            self.servers.append(Server(name, env=env, args=args, logdir=self.tmp, port=free_port(),
                                       start=False))
        for server in self.servers:
            server.start(wait=False)
        for k in (1, 2):
            self.start_worker(k)
        for proc in setup:
            output = proc.communicate(timeout=180)[0]
            if proc.returncode != 0:
                raise RuntimeError(f"{proc.args[5]} failed:\n{output.decode(errors='replace')}")
        for server in self.servers:
            server.wait_ready(timeout=120)
        self.start_haproxy()
        return self

    def start_haproxy(self) -> None:
        lines = "\n".join(f"    server {s.name} 127.0.0.1:{s.port} check inter 1s fall 2 rise 2"
                          for s in self.servers)
        cfg = self.tmp / "haproxy.cfg"
        cfg.write_text(HAPROXY_CFG.format(port=self.lb_port, servers=lines))
        check = subprocess.run([HAPROXY, "-c", "-q", "-f", str(cfg)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"haproxy refused its config:\n{check.stdout}{check.stderr}")
        log = (self.tmp / "haproxy.log").open("wb")
        self.haproxy = subprocess.Popen([HAPROXY, "-db", "-f", str(cfg)], stdout=log, stderr=log,
                                        start_new_session=True)
        self.wait_balanced()

    def wait_balanced(self, timeout: float = 30) -> None:
        """Until the balancer answers /readyz from every server (both marked up)."""
        seen, deadline = set(), time.monotonic() + timeout
        while time.monotonic() < deadline and len(seen) < len(self.servers):
            if self.haproxy.poll() is not None:
                raise RuntimeError("haproxy exited:\n" + (self.tmp / "haproxy.log").read_text())
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(self.url + "/readyz", timeout=5) as answer:
                    seen.add(answer.headers.get("X-Served-By"))
            time.sleep(0.1)
        if len(seen) < len(self.servers):
            raise RuntimeError(f"the balancer reached only {sorted(seen)}")

    def start_worker(self, k: int) -> None:
        log = (self.tmp / f"worker{k}.log").open("wb")
        self.workers_procs.append(subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "app", "worker", "--interval", "0.5", "--batch", "20"],
            cwd=ROOT, env=self.app_env(self.tmp / f"worker{k}"), stdout=log, stderr=log,
            start_new_session=True))

    def cpu(self) -> dict[str, float]:
        """CPU seconds used so far by each part we started (a killed server's are lost with it)."""
        used = {s.name: s.cpu_seconds() for s in self.servers}
        used |= {f"worker{k}": cpu_seconds(p.pid) for k, p in enumerate(self.workers_procs, 1)}
        used |= {"moto_server": cpu_seconds(self.moto.process.pid if self.moto.process else None),
                 "haproxy": cpu_seconds(self.haproxy.pid if self.haproxy else None)}
        return {name: round(value, 1) for name, value in used.items()}

    def stop(self) -> None:
        for proc in [*self.workers_procs, self.haproxy, self.redis_proc]:
            if proc is not None and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
        for server in self.servers:
            server.stop()
        self.moto.stop()
        self.mail.stop()

    def __enter__(self) -> Stack:
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
