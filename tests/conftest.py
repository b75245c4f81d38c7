"""Fixtures: one app and schema per run (built by the migrations), a clean database per test.

Set TEST_DATABASE_URL (postgresql+psycopg://...) to run the whole suite on PostgreSQL;
otherwise it runs on a SQLite file, the embedded default.
"""

import os
import shutil

import pytest
from flask_migrate import upgrade

from app import create_app
from app.config import TestConfig
from app.extensions import db, limiter


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    base = tmp_path_factory.mktemp("motcua")

    class Config(TestConfig):
        SQLALCHEMY_DATABASE_URI = os.environ.get(
            "TEST_DATABASE_URL", f"sqlite:///{base / 'test.sqlite3'}"
        )
        BLOB_STORE = str(base / "blobs")

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
    shutil.rmtree(app.config["BLOB_STORE"], ignore_errors=True)
    limiter.reset()


@pytest.fixture
def ctx(app):
    """An application context, for tests that call services directly."""
    with app.app_context():
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def is_postgres(app):
    with app.app_context():
        return db.engine.dialect.name == "postgresql"
