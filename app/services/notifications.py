"""Tell the applicant what changed: messages are queued with the change, delivered later.

`notify()` only adds rows to the caller's session, so a message exists if and only if the
change that caused it was committed. The worker (services/delivery.py) sends them.
"""

from flask import current_app, render_template
from sqlalchemy import select

from app.extensions import db
from app.models import Dossier
from app.models.notification import Notification

# event → template under templates/notifications/; the first line is the subject.
EVENTS = {
    "accepted", "supplement_requested", "refused", "resolved", "ready_at_counter",
    "handed_to_post", "delivered", "postal_failed", "apology",
}


def tracking_link(dossier: Dossier) -> str:
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    return f"{base}/tra-cuu?ma={dossier.code}"


def render(event: str, dossier: Dossier, **context) -> tuple[str, str]:
    """Return (subject, body) for an event, in Vietnamese, with the code and tracking link."""
    text = render_template(f"notifications/{event}.txt", dossier=dossier,
                           link=tracking_link(dossier), centre=current_app.config["CENTRE_NAME"],
                           **context)
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def notify(dossier: Dossier, event: str, key: str, **context) -> list[Notification]:
    """Queue the messages for `event` on `dossier`; `key` makes a repeat of the same event a no-op.

    Only the contacts the applicant gave are used, and messages carry no personal data beyond
    the dossier code, the procedure name and dates.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}")
    subject, body = render(event, dossier, **context)
    targets = []
    if dossier.applicant_email:
        targets.append(("email", dossier.applicant_email, subject, body))
    if current_app.config.get("SMS_GATEWAY") and dossier.applicant_phone:
        targets.append(("sms", dossier.applicant_phone, "", f"{subject}. {tracking_link(dossier)}"))
    queued = []
    for channel, recipient, subj, text in targets:
        dedupe = f"{dossier.id}:{event}:{key}:{channel}"
        exists = db.session.execute(
            select(Notification.id).filter_by(dedupe_key=dedupe)).first()
        if exists:
            continue
        note = Notification(dedupe_key=dedupe, dossier_id=dossier.id, event=event,
                            channel=channel, recipient=recipient, subject=subj, body=text)
        db.session.add(note)
        queued.append(note)
    return queued


def on_transition(dossier: Dossier, to: int, note: str) -> None:
    """Queue what the applicant should hear about a status change (called by the workflow)."""
    from app.models import Status, SupplementRequest

    key = f"{int(to)}:{dossier.version}"  # one message per transition, even if replayed
    # No autoflush: the workflow checks the row version at its own commit, not in here.
    with db.session.no_autoflush:
        if to == Status.ACCEPTED:
            notify(dossier, "accepted", key)
        elif to == Status.REFUSED:
            notify(dossier, "refused", key, reason=note)
        elif to == Status.RESOLVED:
            event = "ready_at_counter" if dossier.return_method == "counter" else "resolved"
            notify(dossier, event, key)
        elif to == Status.SUPPLEMENT:
            request = next((o for o in db.session.new if isinstance(o, SupplementRequest)
                            and o.dossier_id == dossier.id), None)
            if request is not None:
                notify(dossier, "supplement_requested", key, items=request.item_list,
                       deadline=request.deadline)
