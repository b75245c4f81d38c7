"""Reads of dossiers for pages: one by its code, its supplement requests.

Who may see what is the caller's to check (app/web/staff_access.py, app/citizen/access.py):
these only find.
"""

from app.extensions import db
from app.models import Dossier, SupplementRequest


def by_code(code: str) -> Dossier | None:
    """The dossier with this code; None when there is none."""
    return db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one_or_none()


def supplement_requests(dossier_id: int) -> list[SupplementRequest]:
    """A dossier's supplement requests, round 1 first."""
    return list(db.session.execute(db.select(SupplementRequest).filter_by(dossier_id=dossier_id)
                                   .order_by(SupplementRequest.number)).scalars())


def supplement_request(dossier_id: int, number: int) -> SupplementRequest | None:
    """Round `number` of a dossier's supplement requests; None when it has no such round."""
    return db.session.execute(db.select(SupplementRequest).filter_by(
        dossier_id=dossier_id, number=number)).scalar_one_or_none()
