"""Public tracking: a dossier code plus something only the applicant knows."""

import hmac
import re
from dataclasses import dataclass
from datetime import date, datetime

from flask import current_app, g
from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import bindparam, select

from app.extensions import db
from app.i18n import render
from app.lib.identity import phone_key
from app.models import Dossier, Procedure, StatusEvent
from app.services.accounts import memberships
from app.services.errors import LinkExpired

RECEIPT_DAYS = 90  # a receipt link works for 90 days
RECEIPT_MAX_AGE = 60 * 60 * 24 * RECEIPT_DAYS


def track_limit() -> str:
    """The lookup rate limit, shared by the tracking page and the API (one bucket per client)."""
    return current_app.config["TRACK_RATE_LIMIT"]


def _clean(code: str, secret: str) -> tuple[str, str] | None:
    code = (code or "").strip().upper()
    secret = re.sub(r"[\s.\-]", "", secret or "")
    if not code or not secret or len(code) > 40:
        return None
    return code, secret


def _matches(found, secret: str) -> bool:
    """True if `secret` is the applicant's ID number or phone; `found` may be None.

    Both are compared, always, so the time taken does not tell which part was wrong.
    """
    expected_id = found.applicant_id_number if found is not None else "0" * 12
    expected_phone = found.applicant_phone if found is not None else "0" * 10
    id_ok = hmac.compare_digest(expected_id.encode(), secret.encode())
    phone_ok = hmac.compare_digest(expected_phone.encode(), phone_key(secret).encode())
    return found is not None and (id_ok or phone_ok)


def lookup(code: str, secret: str) -> Dossier | None:
    """Return the dossier if `secret` is its applicant's phone or ID number, else None.

    A wrong pair and an unknown code give the same answer, so codes cannot be probed.
    """
    cleaned = _clean(code, secret)
    if cleaned is None:
        return None
    dossier = db.session.execute(
        db.select(Dossier).filter_by(code=cleaned[0])).scalar_one_or_none()
    return dossier if _matches(dossier, cleaned[1]) else None


@dataclass(frozen=True, slots=True)
class Tracked:
    """What a tracking lookup answers with: plain values, no ORM object behind them."""

    id: int
    code: str
    client_id: str
    status: int
    procedure_code: str
    procedure_name: str
    submitted_at: datetime
    due_date: date | None
    timeline: list[tuple[int, datetime, str]]  # (status, at, note in the reader's language), oldest first


_DT, _PT, _ET = Dossier.__table__, Procedure.__table__, StatusEvent.__table__
_D, _P, _E = _DT.c, _PT.c, _ET.c
# One round trip: the dossier, its procedure's name and its timeline (a dossier has a handful
# of events). Plain Core on table columns skips the ORM's identity map and lazy loads, which
# were most of a lookup's cost (bench/server.py).
_TRACK = (
    select(_D.id, _D.code, _D.client_id, _D.status, _D.submitted_at, _D.due_date,
           _D.applicant_id_number, _D.applicant_phone,
           _P.code.label("procedure_code"), _P.name.label("procedure_name"),
           _E.to_status, _E.created_at, _E.note, _E.note_key, _E.note_params)
    .select_from(_DT.join(_PT, _P.id == _D.procedure_id)
                 .outerjoin(_ET, _E.dossier_id == _D.id))
    .where(_D.code == bindparam("code"))
    .order_by(_E.id)
)


def track(code: str, secret: str) -> Tracked | None:
    """The public tracking answer for a code + phone / ID number pair, or None.

    Same rule as `lookup` (a wrong pair answers like an unknown code), on the fast path the
    tracking page's API uses: it is the most frequent request the centre serves.
    """
    cleaned = _clean(code, secret)
    if cleaned is None:
        return None
    # A pooled connection of its own, not the ORM session's: a lookup has no objects to track,
    # and opening and closing a session per request cost a fifth of the lookup. Autocommit: one
    # SELECT needs no transaction, and without one the pool's rollback costs no round trip.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        rows = connection.execute(_TRACK, {"code": cleaned[0]}).all()
    first = rows[0] if rows else None
    if not _matches(first, cleaned[1]):
        return None
    return Tracked(first.id, first.code, first.client_id, first.status, first.procedure_code,
                   first.procedure_name, first.submitted_at, first.due_date,
                   [(r.to_status, r.created_at, render(r.note_key, r.note_params, r.note))
                    for r in rows if r.to_status is not None])


def _serializer() -> URLSafeTimedSerializer:
    # One per app: building it derives the signing key, which every tracking answer needs.
    serializer = current_app.extensions.get("dossier_access")
    if serializer is None:
        serializer = URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="dossier-access")
        current_app.extensions["dossier_access"] = serializer
    return serializer


def bind_links(dossier: Dossier, user_id: int) -> None:
    """Bind the links to `dossier` minted from now on in this request to a member's account.

    Said when the access rests on membership of the dossier's organisation: such a link
    works only while that account is still an active member (checked at every use), so
    leaving, or being removed, ends it. Kept in `g`, i.e. for this request alone.
    """
    g.setdefault("member_links", {})[dossier.id] = user_id


def member_bound(dossier: Dossier | Tracked) -> bool:
    """Say whether links to `dossier` minted in this request are bound to a member."""
    return dossier.id in g.get("member_links", {})


def access_token(dossier: Dossier | Tracked) -> str:
    """Return a token that lets its holder open this dossier's receipt and status."""
    member = g.get("member_links", {}).get(dossier.id)
    return _serializer().dumps([dossier.id, dossier.client_id[:8], *([member] if member else [])])


def from_token(token: str) -> Dossier | None:
    """Return the dossier a token grants, or None if it is forged or expired."""
    try:
        return _granted(_serializer().loads(token, max_age=RECEIPT_MAX_AGE))
    except (BadSignature, ValueError, TypeError):
        return None


def _granted(payload) -> Dossier | None:
    dossier_id, check, *member = payload
    dossier = db.session.get(Dossier, int(dossier_id))
    if dossier is None or dossier.client_id[:8] != check or len(member) > 1:
        return None
    if member:  # a member's link: only while that account is an active member
        if not memberships.is_member(int(member[0]), dossier.organisation_id):
            return None
        bind_links(dossier, int(member[0]))
    return dossier


def _expired(token: str) -> Dossier | None:
    """The dossier of a link whose signature is ours but whose time is up, else None."""
    try:
        _serializer().loads(token, max_age=RECEIPT_MAX_AGE)
    except SignatureExpired as exc:
        try:
            return _granted(_serializer().load_payload(exc.payload))
        except (BadSignature, ValueError, TypeError):
            return None
    except (BadSignature, ValueError, TypeError):
        return None
    return None


def authorise(code: str, payload: dict) -> Dossier | None:
    """Return the dossier if the caller holds its signed link or knows its phone / ID number.

    Shared by every citizen write on the API (supplements, postal requests): the outbox
    sends the proof with each replay, so nothing depends on a session cookie. A link that
    was genuine but has expired raises LinkExpired, so the device can ask the person for
    their phone or ID number instead of showing "not found" (only a holder of a link we
    signed for this very code learns that it expired: nothing to enumerate).
    """
    token = str(payload.get("token") or "")
    if token:
        dossier = from_token(token)
        if dossier is not None and dossier.code == code:
            return dossier
        stale = _expired(token)
        if stale is not None and stale.code == code:
            raise LinkExpired(_("Đường dẫn của hồ sơ này đã hết hạn (có hiệu lực %(days)s ngày). "
                                "Vui lòng nhập số điện thoại hoặc số định danh của người nộp.",
                                days=RECEIPT_DAYS))
        return None
    return lookup(code, str(payload.get("secret") or ""))
