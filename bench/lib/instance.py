"""A throwaway app instance for the served benchmarks: a temp folder, its environment, the
database (a SQLite file in it, or a PostgreSQL database recreated for the run), its gunicorn
servers, and cleaning all of it up however the run ends (Ctrl-C and SIGTERM included).

    with Instance(args.postgres, keep=args.keep, TRACK_RATE_LIMIT="...") as inst:
        seeded = seed_database(1000, rnd)          # in this process, on inst's database
        app = inst.serve("app", args=gunicorn_args(2))
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import sys
import tempfile
from pathlib import Path

from bench.lib.db import driver_url, drop_postgres, recreate_postgres
from bench.lib.serve import APP, ROOT, Server, instance_env


def add_arguments(parser: argparse.ArgumentParser, seed: int = 20260101) -> None:
    """The options every served benchmark takes."""
    parser.add_argument("--postgres", metavar="URL", help="use this PostgreSQL database (dropped "
                        "and recreated; its name must contain 'bench'), e.g. "
                        "postgresql+psycopg://postgres@127.0.0.1:5432/test_bench")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: nproc)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn gthread threads per worker")
    parser.add_argument("--app", default=APP, help="gunicorn app spec (for trying a changed app)")
    parser.add_argument("--wait-quiet", type=float, default=90, metavar="SECONDS",
                        help="before each timed phase, wait up to this long for other processes "
                        "on the machine to go under 10 %% CPU (0: do not wait)")
    parser.add_argument("--keep", action="store_true",
                        help="keep the temp dir (and PostgreSQL database)")
    parser.add_argument("--seed", type=int, default=seed, help="random seed")


class Instance:
    """Enter: temp folder, environment (also set in this process, before the app is imported),
    database recreated. Exit: servers stopped, folder removed and database dropped unless keep."""

    def __init__(self, postgres: str | None = None, keep: bool = False, **env: str):
        self.tmp = Path(tempfile.mkdtemp(prefix="motcua-bench-"))
        self.kind = "postgresql" if postgres else "sqlite"
        self.postgres = driver_url(postgres) if postgres else None
        self.db_url = self.postgres or f"sqlite:///{self.tmp / 'instance' / 'motcua.sqlite3'}"
        self.keep, self.servers = keep, []
        self.env = instance_env(self.tmp / "instance", self.db_url, **env)

    def __enter__(self) -> Instance:
        # app.config reads the environment when it is first imported: set it before that, and
        # have one instance per process (a second one would seed the first one's database).
        config = sys.modules.get("app.config")
        if config is not None and config.Config.SQLALCHEMY_DATABASE_URI != self.db_url:
            raise RuntimeError("the app was already imported for another instance: run one "
                               "Instance per process")
        os.environ.update(self.env)
        if str(ROOT) not in sys.path:
            sys.path.insert(0, str(ROOT))
        signal.signal(signal.SIGTERM, _interrupt)
        if self.postgres:
            print(f"PostgreSQL: recreating {self.postgres.rsplit('/', 1)[-1]}", flush=True)
            recreate_postgres(self.postgres)
        return self

    def serve(self, name: str, target: str = APP, **kwargs) -> Server:
        """A gunicorn server on this instance (started and ready), stopped at exit."""
        server = Server(name, target, env=self.env, logdir=self.tmp, start=False, **kwargs)
        self.servers.append(server)
        server.start()
        return server

    def __exit__(self, *exc) -> None:
        for server in self.servers:
            with contextlib.suppress(Exception):
                server.stop()
        if self.keep:
            print(f"Kept {self.tmp}" + (f" and {self.postgres}" if self.postgres else ""))
            return
        shutil.rmtree(self.tmp, ignore_errors=True)
        if self.postgres:
            with contextlib.suppress(Exception):
                drop_postgres(self.postgres)


def _interrupt(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")
