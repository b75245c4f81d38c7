"""Register, the account's dossiers, and claiming a dossier submitted without an account."""

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app.account import bp
from app.extensions import limiter
from app.models import Role
from app.services.accounts import core as accounts
from app.services.accounts import memberships, organisations
from app.services.dossiers.tracking import track_limit
from app.services.errors import Invalid
from app.web.answers import refused

REGISTER_FIELDS = ("name", "login", "kind", "tax_code", "org_name", "org_address")


@bp.get("/dang-ky")
def register_form():
    """Show the registration form: a person, or a business with its tax code."""
    return render_template("account/register.html", values={"kind": "citizen"}, errors={})


@bp.post("/dang-ky")
@limiter.limit(track_limit)
def register():
    """Create the account (and the organisation for a business), then sign in."""
    values = {k: request.form.get(k, "").strip() for k in REGISTER_FIELDS}
    business = values["kind"] == "business"
    try:
        if business:  # check the tax code before making an account that would be left orphaned
            organisations.check(values["tax_code"], values["org_name"])
        user = accounts.register(values["login"], request.form.get("password", ""), values["name"],
                                 Role.BUSINESS if business else Role.CITIZEN)
        if business:
            organisations.create(user, values["tax_code"], values["org_name"], values["org_address"])
    except Invalid as exc:
        return render_template("account/register.html", values=values, errors=refused(exc),
                               summary=exc.message), 422
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)
    return redirect(url_for("account.mine"), 303)


@bp.get("/tai-khoan")
@login_required
def mine():
    """List the account's dossiers and organisations, with the claim form."""
    return _mine()


def _mine(status: int = 200, **extra):
    return render_template("account/mine.html", dossiers=accounts.my_dossiers(current_user),
                           memberships=memberships.of_user(current_user),
                           invitations=memberships.invitations_for(current_user),
                           errors=extra.pop("errors", {}), values=extra.pop("values", {}), **extra), status


@bp.post("/tai-khoan/nhan-ho-so")
@login_required
@limiter.shared_limit(track_limit, scope="track")  # one bucket for every code + phone/ID guess
def claim():
    """Attach a dossier submitted without an account; one vague message for any mismatch."""
    values = {k: request.form.get(k, "").strip() for k in ("code", "phone", "id_number")}
    try:
        dossier = accounts.claim(current_user, values["code"], values["phone"], values["id_number"])
    except Invalid as exc:
        return _mine(422, errors=refused(exc), values=values, summary=exc.message)
    flash(_("Đã thêm hồ sơ %(c)s vào tài khoản.", c=dossier.code))
    return redirect(url_for("account.mine"), 303)


@bp.post("/tai-khoan/loi-moi/<int:invitation_id>/chap-nhan")
@login_required
def accept(invitation_id: int):
    """Join the organisation that invited this account; only its own dossiers open to it."""
    membership = memberships.accept(current_user, invitation_id)  # 404 for anyone else's
    flash(_("Bạn đã tham gia %(name)s.", name=membership.organisation.name))
    return redirect(url_for("account.organisation", org_id=membership.organisation_id), 303)


@bp.post("/tai-khoan/loi-moi/<int:invitation_id>/tu-choi")
@login_required
def decline(invitation_id: int):
    """Refuse an invitation."""
    org = memberships.decline(current_user, invitation_id)
    flash(_("Đã từ chối lời mời của %(name)s.", name=org.name))
    return redirect(url_for("account.mine"), 303)
