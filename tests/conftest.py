"""Fixtures: one app and schema per run (built by the migrations), a clean database per test.

Set TEST_DATABASE_URL (postgresql+psycopg://...) to run the whole suite on PostgreSQL;
otherwise it runs on a SQLite file, the embedded default.
"""

import os
import shutil
from pathlib import Path

import pytest
from flask_migrate import upgrade

from app import create_app
from app.config import TestConfig
from app.extensions import db, limiter
from tests.helpers import fresh_client


@pytest.fixture(scope="session")
def app(tmp_path_factory, request):
    base = tmp_path_factory.mktemp("motcua")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ.get(
            "TEST_DATABASE_URL", f"sqlite:///{base / 'test.sqlite3'}"
        )
        BLOB_STORE = str(base / "blobs")
        SMS_SPOOL = str(base / "sms.log")  # the embedded SMS gateway's file, not instance/'s

    if os.environ.get("TEST_BLOB_STORE") == "s3":
        _use_object_storage(Config, request)
    app = create_app(Config)
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP SCHEMA public CASCADE; CREATE SCHEMA public;")
        upgrade()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()  # close pooled connections before the interpreter does


@pytest.fixture(autouse=True)
def _clean(request, app):
    """Give each test an empty database, blob store and rate-limit counters."""
    saved = dict(app.config)
    yield
    app.config.clear()
    app.config.update(saved)
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
    _empty_blob_store(app)
    Path(app.config["SMS_SPOOL"]).unlink(missing_ok=True)
    limiter.reset()


@pytest.fixture
def ctx(app):
    """An application context, for tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    """The one test client: each request in its own context, as in production, so nothing the
    test's own app context holds (g, the signed-in user, the CSRF token) leaks into it."""
    return fresh_client(app)


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def is_postgres(app):
    with app.app_context():
        return db.engine.dialect.name == "postgresql"


def _use_object_storage(config, request) -> None:
    """TEST_BLOB_STORE=s3: documents in moto's standalone S3 server (the real wire protocol)."""
    from tests.s3_server import MotoServer, client

    server = MotoServer().start()
    request.addfinalizer(server.stop)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "test")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "test")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    client(server.url).create_bucket(Bucket="motcua-test")
    config.BLOB_STORE = "s3://motcua-test/documents"
    config.S3_ENDPOINT_URL = server.url


def _empty_blob_store(app) -> None:
    location = app.config["BLOB_STORE"]
    if not location.startswith("s3://"):
        shutil.rmtree(location, ignore_errors=True)
        return
    from app.services.files.blobs import store

    with app.app_context():
        documents = store()
        for key in list(documents.keys()):
            documents.delete(key)
