"""Admin: tokens of the department API, per agency: issue (shown once), last use, revoke."""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.models import Role
from app.services.catalogue import queries as catalogue
from app.services.integration import tokens
from app.staff import bp
from app.staff.admin_secrets import issue_from_form
from app.web.staff_access import roles_required


def _render(values: dict, errors: dict, status: int = 200, message: str | None = None, issued=None):
    return render_template("staff/admin/api_tokens.html", groups=tokens.by_agency(),
                           agencies=catalogue.agencies(), values=values, errors=errors, message=message,
                           issued=issued), status


@bp.get("/quan-tri/ma-truy-cap")
@roles_required(Role.ADMIN)
def api_tokens():
    """List the API tokens of every agency, with the form to issue one."""
    return _render({"scopes": ["read"]}, {})


@bp.post("/quan-tri/ma-truy-cap")
@roles_required(Role.ADMIN)
def issue_api_token():
    """Issue a token and show it on this page, once (never in a cookie or a redirect)."""
    return issue_from_form(_render, tokens.issue, "name", "scopes", fresh={"scopes": ["read"]})


@bp.post("/quan-tri/ma-truy-cap/<int:token_id>/thu-hoi")
@roles_required(Role.ADMIN)
def revoke_api_token(token_id: int):
    """Revoke a token: its next request is refused."""
    token = tokens.revoke(token_id)
    flash(_("Đã thu hồi mã “%(name)s” của %(agency)s.", name=token.name, agency=token.agency.name))
    return redirect(url_for("staff.api_tokens"), 303)
