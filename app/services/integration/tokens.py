"""Bearer tokens of one agency: issued once, kept as a SHA-256, revocable, last use shown."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, update
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.lib.time import utcnow
from app.models import Agency, ApiToken, Role
from app.models.integration import SCOPES
from app.services.actors import Actor
from app.services.errors import InsufficientScope, Invalid, NotFound, Unauthorized
from app.services.integration.agency_form import checked, chosen_agency

PREFIX = "mc_"
TOUCH_EVERY = timedelta(minutes=1)  # last_used_at is written at most this often


@dataclass(frozen=True)
class Issued:
    token: ApiToken
    secret: str  # shown once, then only its hash exists


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_scopes(value) -> list[str]:
    """Read "read,write" (or a list) into known scopes, in their order; Invalid when none is known."""
    given = value.split(",") if isinstance(value, str) else list(value or [])
    given = {str(s).strip().lower() for s in given if str(s).strip()}
    if not given or given - set(SCOPES):
        raise Invalid(_("Quyền của mã phải là read, write hoặc cả hai."),
                      {"scopes": [_("Chọn quyền đọc, ghi hoặc cả hai.")]})
    return [s for s in SCOPES if s in given]


def issue(agency_id: int, name: str, scopes, created_by: str = "") -> Issued:
    """Make a token for an agency; the secret is returned here and never stored."""
    errors: dict[str, list[str]] = {}
    agency = chosen_agency(agency_id, errors)
    name = (name or "").strip()
    if not name or len(name) > 100:
        errors["name"] = [_("Vui lòng đặt tên cho mã (tối đa 100 ký tự), ví dụ tên phần mềm sẽ dùng nó.")]
    scope_list = checked(parse_scopes, scopes, errors)
    if errors:
        raise Invalid(_("Chưa cấp được mã truy cập."), errors)
    secret = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(agency_id=agency.id, name=name, scopes=",".join(scope_list), token_hash=digest(secret),
                     hint=secret[:9], created_by=(created_by or "")[:255], created_at=utcnow())
    db.session.add(token)
    db.session.commit()
    return Issued(token, secret)


def by_agency() -> list[tuple[Agency, list[ApiToken]]]:
    """Every agency that has tokens, with them (newest first), for the admin page and the CLI."""
    tokens = db.session.execute(
        db.select(ApiToken).join(ApiToken.agency).order_by(Agency.name, ApiToken.id.desc())).scalars().all()
    grouped: dict[int, tuple[Agency, list[ApiToken]]] = {}
    for token in tokens:
        grouped.setdefault(token.agency_id, (token.agency, []))[1].append(token)
    return list(grouped.values())


def revoke(token_id: int) -> ApiToken:
    """Revoke a token: from its next request on it is refused. Revoking twice changes nothing."""
    token = db.session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(_("Không tìm thấy mã truy cập này."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        db.session.commit()
    return token


def authenticate(authorization: str, scope: str) -> ApiToken:
    """Return the live token named by an `Authorization: Bearer ...` header, if it has `scope`."""
    kind, _sep, secret = (authorization or "").strip().partition(" ")
    secret = secret.strip()
    if kind.lower() != "bearer" or not secret:
        raise Unauthorized(_("Cần mã truy cập: gửi tiêu đề Authorization: Bearer <mã>."),
                           {"reason": "missing"})
    found = None
    if secret.startswith(PREFIX) and len(secret) <= 100:
        found = db.session.execute(db.select(ApiToken).filter_by(token_hash=digest(secret))
                                   .options(joinedload(ApiToken.agency))).scalar_one_or_none()
    if found is None or found.revoked_at is not None:
        raise Unauthorized(_("Mã truy cập không đúng hoặc đã bị thu hồi."), {"reason": "invalid"})
    if scope not in found.scope_set:
        raise InsufficientScope(_("Mã truy cập này không có quyền “%(scope)s”.", scope=scope),
                                {"scope": scope})
    _touch(found)
    return found


def _touch(token: ApiToken) -> None:
    """Record the use, at most once a minute: one conditional UPDATE, so racing requests write once."""
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < TOUCH_EVERY:
        return
    due = or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - TOUCH_EVERY)
    db.session.execute(update(ApiToken).where(ApiToken.id == token.id, due).values(last_used_at=now)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def actor_for(token: ApiToken) -> Actor:
    """Act as a staff member of the token's agency: the centre's counter, or a department officer.

    The workflow's rules and scope then apply unchanged: a department's token sees and acts on
    its own dossiers only; the centre's, like its reception officers, on every dossier.
    """
    agency = token.agency
    role = Role.RECEPTION if agency.is_centre else Role.DEPARTMENT
    label = _l("API %(agency)s: %(name)s", agency=agency.short_name or agency.name, name=token.name)
    return Actor.speaking("api", role, token.id, label, agency.id)


def scope_agency_id(actor: Actor) -> int | None:
    """The agency whose dossiers the actor sees (None: every agency), as workflow.in_scope says."""
    return actor.agency_id if actor.role == Role.DEPARTMENT else None
