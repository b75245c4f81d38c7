"""Reading the catalogue: browse by agency and field, search without diacritics.

The public catalogue shows only what takes new dossiers: an active procedure of an active
agency. Dossiers already made keep their procedure and agency whatever happens to them.
"""

from flask_babel import gettext as _
from sqlalchemy import func

from app.extensions import db
from app.models import Agency, Procedure
from app.services.errors import Invalid
from app.services.text import fold


def _open():
    """Select the procedures that take new dossiers."""
    return (db.select(Procedure).join(Procedure.agency)
            .where(Procedure.active.is_(True), Agency.active.is_(True)))


def search(query: str = "", agency_id: int | None = None, field: str = "") -> list[Procedure]:
    """Return open procedures matching every word of `query` (case and accents ignored)."""
    stmt = _open().order_by(Procedure.name)
    for word in fold(query).split()[:8]:
        stmt = stmt.where(Procedure.search_text.contains(word, autoescape=True))
    if agency_id:
        stmt = stmt.where(Procedure.agency_id == agency_id)
    if field:
        stmt = stmt.where(Procedure.field == field)
    return list(db.session.execute(stmt).scalars())


def agencies_with_counts() -> list[tuple[Agency, int]]:
    """Return the active departments that have open procedures, with how many each has."""
    stmt = (
        db.select(Agency, func.count(Procedure.id))
        .join(Procedure, Procedure.agency_id == Agency.id)
        .where(Procedure.active.is_(True), Agency.active.is_(True))
        .group_by(Agency.id)
        .order_by(Agency.name)
    )
    return [(a, n) for a, n in db.session.execute(stmt).all()]


def fields() -> list[str]:
    """Return the distinct fields (lĩnh vực) of the open procedures."""
    stmt = _open().with_only_columns(Procedure.field).distinct().order_by(Procedure.field)
    return list(db.session.execute(stmt).scalars())


def get_procedure(code: str) -> Procedure | None:
    """Return the open procedure with this code, or None."""
    return db.session.execute(_open().where(Procedure.code == code)).scalar_one_or_none()


def find_procedure(code: str) -> Procedure | None:
    """Return the active procedure with this code even if its agency has stopped taking dossiers.

    A form drawn (or cached offline) before the agency closed is still answered with the
    reason (`check_open`), not with a page that vanished.
    """
    return db.session.execute(
        db.select(Procedure).filter_by(code=code, active=True)).scalar_one_or_none()


def check_open(procedure: Procedure) -> None:
    """Raise Invalid (422) if the procedure's agency no longer takes new dossiers."""
    if not procedure.agency.active:
        message = _("%(agency)s hiện không tiếp nhận hồ sơ mới cho thủ tục này. "
                    "Vui lòng liên hệ Trung tâm để biết nơi nộp hồ sơ.", agency=procedure.agency.name)
        raise Invalid(message, {"procedure": [message]})


def search_text_for(procedure: Procedure, agency: Agency) -> str:
    """Build the folded text a procedure is found by."""
    return fold(" ".join([procedure.code, procedure.name, procedure.field, agency.name,
                          agency.short_name]))
