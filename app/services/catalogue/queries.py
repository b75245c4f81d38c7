"""Reads of the catalogue for pages: agencies and procedures as the lists and menus show them.

Views call these instead of building queries; each returns plain model rows in the order
the page shows them.
"""

from sqlalchemy.orm import defer

from app.extensions import db
from app.models import Agency, Procedure


def agencies(by: str = "name") -> list[Agency]:
    """Every agency, the centre first, then by name (`by="name"`) or by code (`by="code"`)."""
    order = Agency.code if by == "code" else Agency.name
    return list(db.session.execute(db.select(Agency).order_by(Agency.is_centre.desc(), order)).scalars())


def agencies_by_name() -> list[Agency]:
    """Every agency by name alone (the centre among them), as a plain menu lists them."""
    return list(db.session.execute(db.select(Agency).order_by(Agency.name)).scalars())


def agency_by_code(code: str) -> Agency | None:
    """The agency with this code (e.g. 000.01.00.H40); None when there is none."""
    return db.session.execute(db.select(Agency).filter_by(code=code)).scalar_one_or_none()


def departments() -> list[Agency]:
    """The departments (every agency but the centre), by name."""
    return list(db.session.execute(
        db.select(Agency).where(Agency.is_centre.is_(False)).order_by(Agency.name)).scalars())


def procedures(agency_id: int | None = None, *, light: bool = False) -> list[Procedure]:
    """Every procedure (active or not) by code, of one agency when given; `light` leaves out
    the long columns a menu does not show (form fields, search text, description)."""
    stmt = db.select(Procedure).order_by(Procedure.code)
    if light:
        stmt = stmt.options(defer(Procedure.form_fields), defer(Procedure.search_text),
                            defer(Procedure.description))
    if agency_id:
        stmt = stmt.where(Procedure.agency_id == agency_id)
    return list(db.session.execute(stmt).scalars())


def procedure(code: str) -> Procedure | None:
    """The procedure with this code, active or not; None when there is none."""
    return db.session.execute(db.select(Procedure).filter_by(code=code)).scalar_one_or_none()


def procedure_counts() -> dict[int, int]:
    """How many procedures each agency has, by agency id (an agency with none is absent)."""
    return dict(db.session.execute(
        db.select(Procedure.agency_id, db.func.count()).group_by(Procedure.agency_id)).all())
