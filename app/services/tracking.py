"""Public tracking: a dossier code plus something only the applicant knows."""

import hmac
import re

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

from app.extensions import db
from app.models import Dossier
from app.services.identity import normalise_phone

RECEIPT_MAX_AGE = 60 * 60 * 24 * 90  # a receipt link works for 90 days


def track_limit() -> str:
    """The lookup rate limit, shared by the tracking page and the API (one bucket per client)."""
    return current_app.config["TRACK_RATE_LIMIT"]


def lookup(code: str, secret: str) -> Dossier | None:
    """Return the dossier if `secret` is its applicant's phone or ID number, else None.

    A wrong pair and an unknown code give the same answer, so codes cannot be probed.
    """
    code = (code or "").strip().upper()
    secret = re.sub(r"[\s.\-]", "", secret or "")
    if not code or not secret or len(code) > 40:
        return None
    dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one_or_none()
    expected_id = dossier.applicant_id_number if dossier else "0" * 12
    expected_phone = dossier.applicant_phone if dossier else "0" * 10
    phone = normalise_phone(secret) or ""
    # Compare both, always, so the time taken does not tell which part was wrong.
    id_ok = hmac.compare_digest(expected_id.encode(), secret.encode())
    phone_ok = hmac.compare_digest(expected_phone.encode(), phone.encode())
    return dossier if dossier is not None and (id_ok or phone_ok) else None


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="dossier-access")


def access_token(dossier: Dossier) -> str:
    """Return a token that lets its holder open this dossier's receipt and status."""
    return _serializer().dumps([dossier.id, dossier.client_id[:8]])


def from_token(token: str) -> Dossier | None:
    """Return the dossier a token grants, or None if it is forged or expired."""
    try:
        dossier_id, check = _serializer().loads(token, max_age=RECEIPT_MAX_AGE)
    except (BadSignature, ValueError, TypeError):
        return None
    dossier = db.session.get(Dossier, dossier_id)
    return dossier if dossier is not None and dossier.client_id[:8] == check else None


def authorise(code: str, payload: dict) -> Dossier | None:
    """Return the dossier if the caller holds its signed link or knows its phone / ID number.

    Shared by every citizen write on the API (supplements, postal requests): the outbox
    sends the proof with each replay, so nothing depends on a session cookie.
    """
    token = str(payload.get("token") or "")
    if token:
        dossier = from_token(token)
        return dossier if dossier is not None and dossier.code == code else None
    return lookup(code, str(payload.get("secret") or ""))
