"""Citizen and business accounts: register, my dossiers, claim, organisations, invitations."""

from flask import Blueprint, flash
from flask_babel import gettext as _
from flask_login import user_logged_in

bp = Blueprint("account", __name__)


def _tell_invitations(_app, user, **_kw) -> None:
    """On sign-in, say that an organisation invited this account (it joins only if it accepts)."""
    from app.services.accounts.memberships import invitations_for

    waiting = invitations_for(user)
    if waiting:
        names = ", ".join(m.organisation.name for m in waiting)
        flash(_("%(names)s mời bạn tham gia tổ chức. Mở trang Tài khoản để chấp nhận hoặc từ chối.",
                names=names))


@bp.record_once
def _signals(state) -> None:
    user_logged_in.connect(_tell_invitations, state.app)


from app.account import organisation, views  # noqa: E402,F401
