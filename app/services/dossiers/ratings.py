"""Satisfaction ratings: once per dossier, after the result was returned or it was refused."""

from flask_babel import gettext as _
from marshmallow import ValidationError

from app.extensions import db
from app.models import Dossier, Rating, Role, Status, User
from app.schemas import flatten_errors
from app.schemas.rating import RatingSchema
from app.services import idempotency
from app.services.errors import AlreadyRated, Invalid, NotRateable

RATEABLE = (Status.RETURNED, Status.REFUSED)


def _refuse_if_rated(dossier: Dossier) -> None:
    if existing(dossier) is not None:
        raise AlreadyRated(_("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ được đánh giá một lần."))


def existing(dossier: Dossier) -> Rating | None:
    """Return the dossier's rating, if it was rated."""
    return db.session.execute(db.select(Rating).filter_by(dossier_id=dossier.id)).scalar_one_or_none()


def _content(level: int, comment: str, officer_id: int | None) -> str:
    return idempotency.digest([level, comment, officer_id])


# A rating keeps no digest of its payload: what it remembers is its content.
RATING = idempotency.Scope(
    "rating", find=idempotency.finder(Rating, "client_key"),
    fingerprint=lambda r: _content(r.level, r.comment, r.officer_id),
    message=lambda: _("Mã gửi này đã được dùng cho một đánh giá khác."))


def officers(dossier: Dossier) -> list[User]:
    """Return the officers who handled the dossier, to name one in the rating if wished."""
    from app.models import StatusEvent

    ids = db.session.execute(
        db.select(StatusEvent.actor_id).filter_by(dossier_id=dossier.id, actor_kind="user")
        .distinct()).scalars()
    return list(db.session.execute(
        db.select(User).where(User.id.in_(list(ids)), User.role != Role.CITIZEN)).scalars())


def rate(dossier: Dossier, payload: dict, key: str) -> tuple[Rating, bool]:
    """Record the rating; the same key and content again returns it, a second rating is refused."""
    try:
        clean = RatingSchema().load(payload)
    except ValidationError as exc:
        raise Invalid(_("Đánh giá chưa hợp lệ."), flatten_errors(exc.messages)) from exc
    clean["comment"] = clean["comment"].strip()
    # The sender proved this dossier: a key used on another one is a conflict naming nothing.
    attempt = idempotency.Attempt(RATING, key, _content(clean["level"], clean["comment"], clean["officer"]),
                                  lambda found: found.dossier_id == dossier.id)
    if (found := attempt.replay()) is not None:
        return found, False
    _refuse_if_rated(dossier)
    if dossier.status not in RATEABLE:
        raise NotRateable(_("Bạn có thể đánh giá khi hồ sơ đã trả kết quả hoặc không được tiếp nhận."))
    officer_id = clean["officer"]
    if officer_id is not None and officer_id not in {u.id for u in officers(dossier)}:
        raise Invalid(_("Đánh giá chưa hợp lệ."), {"officer": [_("Cán bộ này không xử lý hồ sơ của bạn.")]})
    # A rating under another key may win the race: one rating per dossier.
    with attempt.inserting(recheck=lambda: _refuse_if_rated(dossier)) as outcome:
        outcome.row = Rating(dossier_id=dossier.id, client_key=key, level=clean["level"],
                             comment=clean["comment"], officer_id=officer_id)
        db.session.add(outcome.row)
    return outcome.answer
