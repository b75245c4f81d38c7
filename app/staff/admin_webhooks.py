"""Admin: agencies' webhook subscriptions (add, secret shown once, rotate, disable), delivery logs.

An unknown subscription is a NotFound from the service, answered by app/errors.py like any
other domain error (its page, its status).
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.models import Role
from app.services.catalogue import queries as catalogue
from app.services.errors import DomainError
from app.services.webhooks import delivery, subscriptions
from app.staff import bp
from app.staff.admin_secrets import issue_from_form
from app.web.staff_access import roles_required


def _render(values: dict, errors: dict, status: int = 200, message: str | None = None, issued=None):
    return render_template("staff/admin/webhooks.html", groups=subscriptions.by_agency(),
                           agencies=catalogue.agencies(),
                           events=subscriptions.EVENTS, portal=delivery.undelivered_portal(),
                           values=values, errors=errors, message=message, issued=issued), status


@bp.get("/quan-tri/webhook")
@roles_required(Role.ADMIN)
def webhooks():
    """List every agency's subscriptions, the form to add one, and portal records not accepted yet."""
    return _render({"events": list(subscriptions.EVENTS)}, {})


@bp.post("/quan-tri/webhook")
@roles_required(Role.ADMIN)
def add_webhook():
    """Add a subscription and show its secret on this page, once."""
    return issue_from_form(_render, subscriptions.add, "url", "events",
                           fresh={"events": list(subscriptions.EVENTS)})


@bp.post("/quan-tri/webhook/<int:subscription_id>/doi-khoa")
@roles_required(Role.ADMIN)
def rotate_webhook(subscription_id: int):
    """Give a subscription a new secret, shown once; the old one signs too for 24 h."""
    added = subscriptions.rotate(subscription_id)
    return _render({"events": list(subscriptions.EVENTS)}, {}, issued=added)


@bp.post("/quan-tri/webhook/<int:subscription_id>/tat")
@roles_required(Role.ADMIN)
def disable_webhook(subscription_id: int):
    """Stop sending to a subscription."""
    sub = subscriptions.disable(subscription_id)
    flash(_("Đã tắt địa chỉ nhận %(url)s.", url=sub.url))
    return redirect(url_for("staff.webhooks"), 303)


@bp.post("/quan-tri/webhook/<int:subscription_id>/bat")
@roles_required(Role.ADMIN)
def enable_webhook(subscription_id: int):
    """Send to a subscription again."""
    sub = subscriptions.enable(subscription_id)
    flash(_("Đã bật lại địa chỉ nhận %(url)s.", url=sub.url))
    return redirect(url_for("staff.webhook_log", subscription_id=sub.id), 303)


@bp.get("/quan-tri/webhook/<int:subscription_id>")
@roles_required(Role.ADMIN)
def webhook_log(subscription_id: int):
    """One subscription's latest deliveries: state, attempts, last error, send again."""
    sub = subscriptions.get(subscription_id)
    return render_template("staff/admin/webhook_log.html", sub=sub, rows=subscriptions.log(sub.id))


@bp.post("/quan-tri/webhook/lan-gui/<int:delivery_id>/gui-lai")
@roles_required(Role.ADMIN)
def resend_webhook(delivery_id: int):
    """Queue one message again, due now ("Gửi lại")."""
    try:
        row = delivery.resend(delivery_id)
    except DomainError as exc:
        flash(exc.message)
        return redirect(url_for("staff.webhooks"), 303)
    flash(_("Đã xếp lại tin %(id)s để gửi ngay.", id=row.event_id))
    if row.subscription_id:
        return redirect(url_for("staff.webhook_log", subscription_id=row.subscription_id), 303)
    return redirect(url_for("staff.webhooks"), 303)
