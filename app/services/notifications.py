"""Tell the applicant what changed: messages are queued with the change, delivered later.

`notify()` (about a dossier) and `notify_account()` (about an account: a password reset)
only add rows to the caller's session, so a message exists if and only if the change that
caused it was committed. The worker (services/delivery.py) sends them.
"""

from flask import current_app, render_template
from sqlalchemy import select

from app.extensions import db
from app.models import Dossier, User
from app.models.notification import Notification

# event → template under templates/notifications/; the first line is the subject.
EVENTS = {
    "accepted", "supplement_requested", "refused", "resolved", "ready_at_counter",
    "handed_to_post", "delivered", "postal_failed", "apology", "withdrawal_declined",
}


# kind → template under templates/notifications/, for messages about an account, not a dossier.
ACCOUNT_EVENTS = {"password_reset"}


def tracking_link(dossier: Dossier) -> str:
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    return f"{base}/tra-cuu?ma={dossier.code}"


def _render(template: str, **context) -> tuple[str, str]:
    text = render_template(f"notifications/{template}.txt", centre=current_app.config["CENTRE_NAME"],
                           **context)
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def render(event: str, dossier: Dossier, **context) -> tuple[str, str]:
    """Return (subject, body) for an event, in Vietnamese, with the code and tracking link."""
    return _render(event, dossier=dossier, link=tracking_link(dossier), **context)


def _queue(dedupe: str, event: str, targets: list[tuple[str, str, str, str]],
           dossier_id: int | None = None) -> list[Notification]:
    """Add one outbox row per (channel, recipient, subject, text) not already queued under `dedupe`."""
    queued = []
    for channel, recipient, subject, text in targets:
        key = f"{dedupe}:{channel}"
        if db.session.execute(select(Notification.id).filter_by(dedupe_key=key)).first():
            continue
        note = Notification(dedupe_key=key, dossier_id=dossier_id, event=event, channel=channel,
                            recipient=recipient, subject=subject, body=text)
        db.session.add(note)
        queued.append(note)
    return queued


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
    return _queue(f"{dossier.id}:{event}:{key}", event, targets, dossier.id)


def account_channel(user: User) -> tuple[str, str] | None:
    """Return how an account is reached: its e-mail, else its phone if SMS is set up, else None."""
    if user.email:
        return "email", user.email
    if current_app.config.get("SMS_GATEWAY") and user.phone:
        return "sms", user.phone
    return None


def notify_account(user: User, kind: str, key: str, *, link: str = "", **context) -> list[Notification]:
    """Queue a message about an account (no dossier) through the same outbox and worker.

    One channel only: the e-mail the account signs in with, else its phone. An SMS is the
    subject and `link`. `key` makes a repeat of the same message a no-op, as for `notify`.
    """
    if kind not in ACCOUNT_EVENTS:
        raise ValueError(f"unknown account notification {kind!r}")
    channel = account_channel(user)
    if channel is None:
        return []
    subject, body = _render(kind, link=link, **context)
    sms = f"{subject}: {link}" if link else subject
    target = (*channel, subject, body) if channel[0] == "email" else (*channel, "", sms)
    return _queue(f"account:{user.id}:{kind}:{key}", kind, [target])


def on_transition(dossier: Dossier, came_from: int, to: int, note: str) -> None:
    """Queue what the applicant should hear about a status change (called by the workflow).

    `note` is the officer's note or reason (a refusal's, a declined withdrawal's).
    """
    from app.models import Status, SupplementRequest

    key = f"{int(to)}:{dossier.version}"  # one message per transition, even if replayed
    # No autoflush: the workflow checks the row version at its own commit, not in here.
    with db.session.no_autoflush:
        if came_from == Status.WITHDRAWAL_REQUESTED and to != Status.STOPPED:
            # Declined: the dossier goes back to where it was. That is news about the
            # withdrawal, not a second "accepted" (or "supplement requested") message.
            notify(dossier, "withdrawal_declined", key, reason=note, back_to=Status(to))
        elif to == Status.ACCEPTED:
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
