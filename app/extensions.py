"""Extensions, created unbound and attached to the app in create_app()."""

from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from htmx_flask import Htmx
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
htmx = Htmx()
babel = Babel()
csrf = CSRFProtect()
compress = Compress()
# Redis unreachable (restarting, a cut): each server counts in its own memory until Redis answers
# again, instead of every limited page answering 500 (app/services/counters.py likewise); a
# Redis that hangs costs a request a second at most. The options mean nothing to memory://.
limiter = Limiter(key_func=get_remote_address, default_limits=[], in_memory_fallback_enabled=True,
                  storage_options={"wrap_exceptions": True, "socket_connect_timeout": 1, "socket_timeout": 1})


def check_limits_only_where_set(app, limiter: Limiter = limiter) -> None:
    """Leave Flask-Limiter's before-request check out while no limit is app-wide.

    The hook exists for default, application, blueprint and meta limits; a limit set on a view
    (every one here: tracking, sign-in, verification) is checked by the view's own wrapper
    either way. With none of the app-wide kinds configured the hook found nothing to check on
    any request and cost ~0.1 ms of each (bench/floor_profile.py --ablate). The moment one is
    configured (RATELIMIT_DEFAULT, RATELIMIT_APPLICATION, a limited blueprint) it stays.
    Call after every blueprint is registered: a blueprint's limit is known only then.
    """
    manager = limiter.limit_manager
    if (manager.default_limits or manager.application_limits or manager._blueprint_limits
            or limiter._meta_limits):
        return
    hooks = app.before_request_funcs.get(None, [])
    hooks[:] = [f for f in hooks if f != limiter._check_request_limit]
