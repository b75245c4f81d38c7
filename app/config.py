"""Configuration classes, read from the environment with embedded defaults."""

import os
import secrets
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
INSTANCE = Path(os.environ.get("INSTANCE_PATH", ROOT / "instance"))


def _secret_key() -> str:
    """Return SECRET_KEY from the environment, or one kept in instance/ (never in the repo)."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = INSTANCE / "secret_key"
    if not path.exists():
        INSTANCE.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two workers starting at once must not each write a different key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "w") as f:
                f.write(secrets.token_hex(32))
    return path.read_text().strip()


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


class Config:
    SECRET_KEY = None  # filled in by create_app so that importing this module writes nothing
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{INSTANCE / 'motcua.sqlite3'}"
    )
    BLOB_STORE = os.environ.get("BLOB_STORE", str(INSTANCE / "blobs"))
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL", "")  # MinIO, Ceph, ...; empty: AWS
    # `flask prune-blobs` removes files no document names once they are this many days old:
    # long enough for a phone that uploaded them and then lost its signal to come back.
    BLOB_GRACE_DAYS = _int("BLOB_GRACE_DAYS", 30)
    REDIS_URL = os.environ.get("REDIS_URL", "")

    CENTRE_NAME = os.environ.get("CENTRE_NAME", "Trung tâm Phục vụ hành chính công tỉnh Tây Ninh")
    AGENCY_CODE = os.environ.get("AGENCY_CODE", "000.00.00.H40")
    TIMEZONE = "Asia/Ho_Chi_Minh"
    # Deadlines: the queue marks "Sắp đến hạn" this many working days ahead; the worker
    # queues each department's daily digest from this local hour on (Vietnam time).
    DUE_SOON_WORKING_DAYS = _int("DUE_SOON_WORKING_DAYS", 1)
    DIGEST_HOUR = _int("DIGEST_HOUR", 7)

    # Upload limits apply to what is sent, after the browser has resized photos.
    MAX_FILE_BYTES = _int("MAX_FILE_MB", 10) * 1024 * 1024
    MAX_DOSSIER_BYTES = _int("MAX_DOSSIER_MB", 50) * 1024 * 1024
    # Werkzeug's hard cap on a request body: a whole dossier plus room for the form fields.
    MAX_CONTENT_LENGTH = MAX_DOSSIER_BYTES + 1024 * 1024
    MAX_FORM_MEMORY_SIZE = 1024 * 1024
    # Photos from phones are at most ~2048 px a side (4 MP); the header is read before
    # decoding, so a small PNG claiming 9400x9400 (310 MB decoded) is refused unopened.
    MAX_IMAGE_PIXELS = _int("MAX_IMAGE_MP", 40) * 1_000_000
    MAX_DOCUMENTS_PER_DOSSIER = _int("MAX_DOCUMENTS_PER_DOSSIER", 30)
    MAX_DOCUMENTS_PER_REQUIREMENT = _int("MAX_DOCUMENTS_PER_REQUIREMENT", 10)
    # A JSON body (a manifest, a postal request) is small; deeper or larger is not ours.
    MAX_JSON_BYTES = 1024 * 1024
    MAX_JSON_DEPTH = 32

    # Operations: /metrics answers only with this bearer token (unset: 404); JSON log lines.
    METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")
    LOG_JSON = os.environ.get("LOG_JSON", "1") == "1"
    LOG_REQUESTS = os.environ.get("LOG_REQUESTS", "1") == "1"
    # Request lines wait at most this long to be written (in batches); warnings go at once.
    LOG_FLUSH_SECONDS = float(os.environ.get("LOG_FLUSH_SECONDS", "0.5"))

    TRACK_RATE_LIMIT = os.environ.get("TRACK_RATE_LIMIT", "10 per minute;60 per hour")
    # Sign-in and reset throttling (auth/throttle.py) backs off per account from one client and
    # per client, never per account alone: nobody can lock an officer out from elsewhere.
    # These many attempts are free; each one more waits 30 s, doubling up to 15 minutes.
    SIGNIN_FREE_ATTEMPTS = _int("SIGNIN_FREE_ATTEMPTS", 5)  # wrong passwords, one account, one client
    SIGNIN_CLIENT_FREE_ATTEMPTS = _int("SIGNIN_CLIENT_FREE_ATTEMPTS", 20)  # one client, any account
    RESET_FREE_ATTEMPTS = _int("RESET_FREE_ATTEMPTS", 3)  # every reset request counts
    RESET_CLIENT_FREE_ATTEMPTS = _int("RESET_CLIENT_FREE_ATTEMPTS", 10)
    # Reset messages per account, from anywhere: reset mails are few, a flood of them is an
    # attack on someone's inbox. Past it a request gets the same answer and queues nothing.
    RESET_RATE_LIMIT = os.environ.get("RESET_RATE_LIMIT", "3 per 15 minutes")
    # Server-side sessions (services/sessions.py): staff sessions end after this long without a
    # request and this long after sign-in; citizens' (on their own phones) last longer.
    STAFF_IDLE_MINUTES = _int("STAFF_IDLE_MINUTES", 30)
    STAFF_MAX_HOURS = _int("STAFF_MAX_HOURS", 12)
    CITIZEN_MAX_DAYS = _int("CITIZEN_MAX_DAYS", 30)
    PASSWORD_RESET_MAX_AGE = _int("PASSWORD_RESET_MAX_AGE", 60 * 60)  # seconds a reset link works
    # How many reverse proxies (nginx, a load balancer) stand in front of the app. Rate limits
    # key on the client address: behind a proxy that is the proxy's, unless the last N hops
    # of X-Forwarded-For are trusted. 0 (direct) ignores the header, so it cannot be forged.
    TRUSTED_PROXIES = _int("TRUSTED_PROXIES", 0)

    # Where links in messages point (the public address of this service).
    PUBLIC_URL = os.environ.get("PUBLIC_URL", "http://127.0.0.1:5000")
    MAIL_SERVER = os.environ.get("MAIL_SERVER", "127.0.0.1")
    MAIL_PORT = _int("MAIL_PORT", 25)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME", "")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD", "")
    MAIL_SENDER = os.environ.get("MAIL_SENDER", "Mot Cua <no-reply@motcua.local>")
    MAIL_TIMEOUT = _int("MAIL_TIMEOUT", 10)
    # Outbound HTTP (webhooks, national portal): private/loopback targets only when allowed.
    WEBHOOK_ALLOW_PRIVATE = os.environ.get("WEBHOOK_ALLOW_PRIVATE", "0") == "1"
    WEBHOOK_TIMEOUT = _int("WEBHOOK_TIMEOUT", 12)
    WEBHOOK_RETRY_SCALE = float(os.environ.get("WEBHOOK_RETRY_SCALE", 1))  # <1: a benchmark's fast day
    NATIONAL_PORTAL_URL = os.environ.get("NATIONAL_PORTAL_URL", "")  # empty: no portal sync
    NATIONAL_PORTAL_TOKEN = os.environ.get("NATIONAL_PORTAL_TOKEN", "")
    # Dotted path of an SmsGateway class (an operator's provider); set it empty for no SMS.
    # The embedded default writes each message as a line of SMS_SPOOL, so `make run` shows them.
    SMS_GATEWAY = os.environ.get("SMS_GATEWAY", "app.services.messaging.sms:SpoolGateway")
    SMS_SPOOL = os.environ.get("SMS_SPOOL", str(INSTANCE / "sms.log"))
    # Electronic results are signed (app/services/results/) with this key and certificate: PEM
    # files, or a PKCS#12 file as the key with its password. Left unset, a self-signed demo pair
    # is made under instance/ on first use; a key set explicitly is never replaced by a demo.
    RESULT_SIGNING_KEY = os.environ.get("RESULT_SIGNING_KEY", str(INSTANCE / "signing" / "demo-key.pem"))
    RESULT_SIGNING_CERT = os.environ.get("RESULT_SIGNING_CERT", str(INSTANCE / "signing" / "demo-cert.pem"))
    RESULT_SIGNING_PASSWORD = os.environ.get("RESULT_SIGNING_PASSWORD", "")
    RESULT_SIGNING_PREVIOUS = os.environ.get("RESULT_SIGNING_PREVIOUS", "")  # earlier certificates (PEM)
    RESULT_SIGNING_DEMO = "RESULT_SIGNING_KEY" not in os.environ
    RESULT_VERIFY_RATE_LIMIT = os.environ.get("RESULT_VERIFY_RATE_LIMIT", "10 per minute;60 per hour")

    BABEL_DEFAULT_LOCALE = "vi"
    BABEL_DEFAULT_TIMEZONE = "Asia/Ho_Chi_Minh"
    LANGUAGES = ("vi", "en")

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = os.environ.get("COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # a form may stay open for hours on a phone

    COMPRESS_MIMETYPES = [
        "text/html", "text/css", "application/javascript", "text/javascript",
        "application/json", "application/manifest+json", "image/svg+xml",
    ]
    COMPRESS_ALGORITHM = ["br", "gzip"]
    # A response that fits in one TCP segment costs one round trip either way on a phone;
    # compressing it only spends server CPU (a fifth of a tracking lookup, bench/server.py).
    COMPRESS_MIN_SIZE = 1400
    SEND_FILE_MAX_AGE_DEFAULT = 3600


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True


class TestConfig(Config):
    TESTING = True
    SECRET_KEY = "test-only-not-secret"
    WEBHOOK_ALLOW_PRIVATE = True  # the tests' receivers listen on loopback
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = True
    TRACK_RATE_LIMIT = "1000 per minute"
    RESULT_VERIFY_RATE_LIMIT = "1000 per minute"
    # One demo signing pair for every test run on this machine, never the one in instance/.
    RESULT_SIGNING_KEY = os.path.join(tempfile.gettempdir(), "motcua-test-signing", "key.pem")
    RESULT_SIGNING_CERT = os.path.join(tempfile.gettempdir(), "motcua-test-signing", "cert.pem")
    RESULT_SIGNING_DEMO = True
