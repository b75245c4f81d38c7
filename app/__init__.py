"""Một Cửa: the application factory."""

import os

from babel import Locale
from flask import Flask, has_request_context, request, session
from werkzeug.middleware.proxy_fix import ProxyFix

from app import parsing
from app.config import Config, _secret_key
from app.cookie_session import CookieSession
from app.extensions import (
    babel,
    check_limits_only_where_set,
    compress,
    csrf,
    db,
    htmx,
    limiter,
    login_manager,
    migrate,
)

# Parsed once: Flask-Babel takes a Locale as it is, where a name is parsed (and its data file
# looked for on disk) on every request.
LOCALES = {"vi": Locale.parse("vi"), "en": Locale.parse("en")}


def select_locale() -> Locale:
    """Vietnamese unless the person chose English (cookie) or asked for it by ?lang=."""
    if not has_request_context():  # CLI, workers: messages go out in Vietnamese
        return LOCALES["vi"]
    lang = request.args.get("lang") or session.get("lang")
    return LOCALES.get(lang, LOCALES["vi"]) if isinstance(lang, str) else LOCALES["vi"]


def create_app(config: type | object = Config) -> Flask:
    """Build the app: config, extensions, blueprints, CLI, error handlers."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        static_folder=os.path.join(root, "static"),
        template_folder=os.path.join(root, "templates"),
        instance_relative_config=True,
    )
    app.config.from_object(config)
    # JSON in UTF-8, not \\uXXXX escapes: Vietnamese text is half the bytes on a 3G link.
    app.json.ensure_ascii = False
    app.session_interface = CookieSession()
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _secret_key()
    app.config.setdefault(
        "RATELIMIT_STORAGE_URI", app.config.get("REDIS_URL") or "memory://"
    )
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = os.path.join(root, "translations")
    _configure_database(app)
    if hops := app.config.get("TRUSTED_PROXIES"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(root, "migrations"))
    login_manager.init_app(app)
    htmx.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    csrf.init_app(app)
    compress.init_app(app)
    limiter.init_app(app)
    parsing.register(app)  # bounded ids, clean form values, strict JSON: before any blueprint

    from app import (
        auth,  # noqa: F401  (user loader)
        models,  # noqa: F401  (registers the tables)
        web,
    )
    from app.account import bp as account_bp
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.citizen import bp as citizen_bp
    from app.postal_desk import bp as postal_desk_bp
    from app.pwa import bp as pwa_bp
    from app.services.webhooks import queue  # noqa: F401  (queues webhooks in each changing commit)
    from app.staff import bp as staff_bp
    from app.verify import bp as verify_bp

    app.register_blueprint(citizen_bp)
    web.register(app)  # where citizen/sender.py's hook used to be registered: same order
    app.register_blueprint(api_bp, url_prefix="/api/v1")
    app.register_blueprint(pwa_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(postal_desk_bp, url_prefix="/staff/buu-chinh")
    app.register_blueprint(account_bp)
    app.register_blueprint(verify_bp)  # /xac-thuc: check a signed result
    csrf.exempt(api_bp)  # JSON API: guarded by required JSON/custom headers instead, see api/

    from app import cli, errors, observability, security, templating

    observability.register(app)
    cli.register(app)
    errors.register(app)
    security.register(app)
    templating.register(app)
    check_limits_only_where_set(app)
    return app


def _configure_database(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri.removeprefix("postgresql://")
        app.config["SQLALCHEMY_DATABASE_URI"] = uri
    if uri.startswith("sqlite:///"):
        os.makedirs(os.path.dirname(uri.removeprefix("sqlite:///")) or ".", exist_ok=True)
        options = app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {})
        options.setdefault("connect_args", {"timeout": 30})
