"""gunicorn.conf.py: two servers on one machine never share gunicorn's control socket; a worker
keeps what loading the app made out of the garbage collector's walks."""

import runpy
from types import SimpleNamespace

from gunicorn.config import Config

from app.config import ROOT


def control_socket(monkeypatch, bind: str, **env) -> str:
    """The control socket a server bound to `bind` (as --bind sets it) ends up with."""
    monkeypatch.delenv("GUNICORN_CONTROL_SOCKET", raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("bind", [bind])
    conf["on_starting"](SimpleNamespace(cfg=cfg))
    return cfg.control_socket


def test_each_server_has_its_own_control_socket_in_its_instance(monkeypatch, tmp_path):
    one = control_socket(monkeypatch, "127.0.0.1:5001", INSTANCE_PATH=str(tmp_path))
    two = control_socket(monkeypatch, "127.0.0.1:5002", INSTANCE_PATH=str(tmp_path))
    assert one != two
    assert two == str(tmp_path / "gunicorn-127.0.0.1-5002.ctl")


def test_a_named_control_socket_is_kept(monkeypatch, tmp_path):
    path = str(tmp_path / "app.ctl")
    assert control_socket(monkeypatch, "127.0.0.1:5001", GUNICORN_CONTROL_SOCKET=path) == path


def test_a_worker_freezes_what_loading_the_app_made():
    import gc

    conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    before = gc.get_freeze_count()
    try:
        conf["post_worker_init"](SimpleNamespace())
        assert gc.get_freeze_count() > before  # kept out of every collection from now on
    finally:
        gc.unfreeze()
