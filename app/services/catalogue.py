"""Reading the catalogue: browse by agency and field, search without diacritics."""

from sqlalchemy import func

from app.extensions import db
from app.models import Agency, Procedure
from app.services.text import fold


def search(query: str = "", agency_id: int | None = None, field: str = "") -> list[Procedure]:
    """Return active procedures matching every word of `query` (case and accents ignored)."""
    stmt = db.select(Procedure).filter_by(active=True).order_by(Procedure.name)
    for word in fold(query).split()[:8]:
        stmt = stmt.where(Procedure.search_text.contains(word, autoescape=True))
    if agency_id:
        stmt = stmt.where(Procedure.agency_id == agency_id)
    if field:
        stmt = stmt.where(Procedure.field == field)
    return list(db.session.execute(stmt).scalars())


def agencies_with_counts() -> list[tuple[Agency, int]]:
    """Return the departments that have procedures, with how many each has."""
    stmt = (
        db.select(Agency, func.count(Procedure.id))
        .join(Procedure, Procedure.agency_id == Agency.id)
        .where(Procedure.active.is_(True))
        .group_by(Agency.id)
        .order_by(Agency.name)
    )
    return [(a, n) for a, n in db.session.execute(stmt).all()]


def fields() -> list[str]:
    """Return the distinct fields (lĩnh vực) in the catalogue."""
    stmt = db.select(Procedure.field).filter_by(active=True).distinct().order_by(Procedure.field)
    return list(db.session.execute(stmt).scalars())


def get_procedure(code: str) -> Procedure | None:
    return db.session.execute(
        db.select(Procedure).filter_by(code=code, active=True)
    ).scalar_one_or_none()


def search_text_for(procedure: Procedure, agency: Agency) -> str:
    """Build the folded text a procedure is found by."""
    return fold(" ".join([procedure.code, procedure.name, procedure.field, agency.name,
                          agency.short_name]))
