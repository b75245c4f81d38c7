"""Factories for the department API tests: agencies with tokens, dossiers in processing."""

from app.extensions import db
from app.models import Agency, Role
from app.services import workflow
from app.services.actors import Actor
from app.services.integration import tokens
from tests.factories import make_agency, make_dossier, make_procedure

RECEPTION = Actor("user", Role.RECEPTION, None, "Tiếp nhận")


def officer_of(agency: Agency) -> Actor:
    """A department officer of `agency`, as a workflow actor."""
    return Actor("user", Role.DEPARTMENT, None, "Cán bộ Sở", agency.id)


def bearer(secret: str) -> dict:
    return {"Authorization": f"Bearer {secret}"}


def token_for(agency: Agency, scopes: str = "read,write", name: str = "Phần mềm chuyên ngành") -> str:
    """Issue a token through the service and return the secret."""
    return tokens.issue(agency.id, name, scopes).secret


def department(code: str = "000.01.00.H40", name: str = "Sở Tư pháp", proc_code: str = "2.001417"):
    """An agency with one procedure; return (agency, procedure)."""
    agency = make_agency(code, name)
    return agency, make_procedure(agency, code=proc_code)


def processing(proc, **kw):
    """A dossier accepted at the centre and forwarded to its department (status 4)."""
    dossier = make_dossier(proc, **kw)
    workflow.accept(dossier, RECEPTION, version=dossier.version)
    workflow.forward(dossier, RECEPTION, version=dossier.version)
    db.session.refresh(dossier)
    return dossier
