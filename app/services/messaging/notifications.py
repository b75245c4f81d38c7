"""Tell the applicant what changed: messages are queued with the change, delivered later.

`notify()` (about a dossier) and `notify_account()` (about an account: a password reset)
only add rows to the caller's session, so a message exists if and only if the change that
caused it was committed. The worker (services/delivery.py) sends them.

A message is written in its recipient's language, never in the language of the request
that caused it (an officer using English still writes to a Vietnamese applicant in
Vietnamese): it is rendered here, once, inside `force_locale(recipient's language)`, and
reads nothing from the request: whatever it says is passed in by the caller.
"""

from urllib.parse import urlsplit

from flask import current_app
from flask_babel import force_locale
from sqlalchemy import select

from app.extensions import db
from app.models import Dossier, User
from app.models.notification import Notification
from app.services.payments import fees

# event → template under templates/notifications/; the first line is the subject.
EVENTS = {
    "received", "accepted", "supplement_requested", "supplement_received", "refused",
    "resolved", "ready_at_counter", "handed_to_post", "delivered", "postal_failed", "apology",
    "withdrawal_declined", "payment_requested",
}


# kind → template under templates/notifications/, for messages to an account, not about one
# dossier: a password reset, a department's daily deadline digest (services/digest.py).
ACCOUNT_EVENTS = {"password_reset", "deadline_digest"}


def language_of(dossier: Dossier | None) -> str:
    """Return the language messages to this applicant are written in (Vietnamese by default)."""
    cfg = current_app.config
    lang = getattr(dossier, "language", None)
    return lang if lang in cfg["LANGUAGES"] else cfg["BABEL_DEFAULT_LOCALE"]


def public_url(endpoint: str, **values) -> str:
    """Build an absolute link to `endpoint` on PUBLIC_URL, whatever host the request came to."""
    base = urlsplit(current_app.config["PUBLIC_URL"])
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path.rstrip("/") or "/",
                                       url_scheme=base.scheme or "https")
    return adapter.build(endpoint, values, force_external=True)


def tracking_link(dossier: Dossier) -> str:
    """Return the tracking page with the code filled in (the phone or ID number is still asked)."""
    return public_url("citizen.track_form", ma=dossier.code)


def sms_enabled() -> bool:
    return bool(current_app.config.get("SMS_GATEWAY"))


def _render(template: str, lang: str, **context) -> tuple[str, str]:
    # The app's Jinja environment, not render_template: no context processor may read the
    # request (its language, its session) into a message meant for someone else.
    with force_locale(lang):
        text = current_app.jinja_env.get_template(f"notifications/{template}.txt").render(
            centre=current_app.config["CENTRE_NAME"], **context)
    subject, _sep, body = text.strip().partition("\n")
    return subject.strip(), body.strip() + "\n"


def render(event: str, dossier: Dossier, lang: str | None = None, **context) -> tuple[str, str]:
    """Return (subject, body) for an event in the applicant's language, with the tracking link."""
    return _render(event, lang or language_of(dossier), dossier=dossier, link=tracking_link(dossier),
                   **context)


def _queue(dedupe: str, event: str, targets: list[tuple[str, str, str, str]],
           dossier: Dossier | None = None) -> list[Notification]:
    """Add one outbox row per (channel, recipient, subject, text) not already queued under `dedupe`."""
    queued = []
    # Rows this transaction has not written yet count too (the query below does not flush).
    pending = {o.dedupe_key for o in db.session.new if isinstance(o, Notification)}
    # A dossier not yet written has no message yet (and holds the day's sequence lock).
    fresh = dossier is not None and dossier.id is None
    # No autoflush: the workflow checks the dossier's row version at its own commit, and a
    # new dossier must not be written before its code is taken (submissions.py).
    with db.session.no_autoflush:
        for channel, recipient, subject, text in targets:
            key = f"{dedupe}:{channel}"
            if key in pending or (not fresh and db.session.execute(
                    select(Notification.id).filter_by(dedupe_key=key)).first()):
                continue
            note = Notification(dedupe_key=key, dossier=dossier, event=event, channel=channel,
                                recipient=recipient, subject=subject, body=text)
            db.session.add(note)
            queued.append(note)
    return queued


def _targets(dossier: Dossier, subject: str, body: str, sms: str) -> list[tuple[str, str, str, str]]:
    targets = []
    if dossier.applicant_email:
        targets.append(("email", dossier.applicant_email, subject, body))
    if sms_enabled() and dossier.applicant_phone:
        targets.append(("sms", dossier.applicant_phone, "", sms))
    return targets


def notify(dossier: Dossier, event: str, key: str, **context) -> list[Notification]:
    """Queue the messages for `event` on `dossier`; `key` makes a repeat of the same event a no-op.

    Only the contacts the applicant gave are used, and messages carry no personal data beyond
    the dossier code, the procedure name and dates. `context` is everything the template
    needs beyond the dossier (a reason, the missing items), passed in by the caller.
    """
    if event not in EVENTS:
        raise ValueError(f"unknown notification event {event!r}")
    subject, body = render(event, dossier, **context)
    sms = f"{subject}. {tracking_link(dossier)}"
    # A dossier not yet flushed has no id; its client_id is unique too.
    dedupe = f"{dossier.id}:{event}:{key}" if dossier.id else f"new:{dossier.client_id}:{event}"
    return _queue(dedupe, event, _targets(dossier, subject, body, sms), dossier)


def notify_received(dossier: Dossier) -> list[Notification]:
    """Acknowledge a new dossier: its code, what happens next, the tracking link, and how to
    pay where the procedure's fee is paid at submission (the agency's account, the content).

    Called once, where a dossier is created (submissions.create_dossier), after its code is
    taken and before the commit.
    """
    fee = fees.fee_of(dossier) if dossier.procedure.fee_at_submission else None
    return notify(dossier, "received", "", fee=fee)


def account_channel(user: User) -> tuple[str, str] | None:
    """Return how an account is reached: its e-mail, else its phone if SMS is set up, else None."""
    if user.email:
        return "email", user.email
    if sms_enabled() and user.phone:
        return "sms", user.phone
    return None


def notify_account(user: User, kind: str, key: str, *, link: str = "", **context) -> list[Notification]:
    """Queue a message about an account (no dossier) through the same outbox and worker.

    One channel only: the e-mail the account signs in with, else its phone. An SMS is the
    subject and `link`. `key` makes a repeat of the same message a no-op, as for `notify`.
    Accounts keep no language of their own, and whoever asks for a reset link may not be
    the account's owner: the message is in the default language (Vietnamese).
    """
    if kind not in ACCOUNT_EVENTS:
        raise ValueError(f"unknown account notification {kind!r}")
    channel = account_channel(user)
    if channel is None:
        return []
    subject, body = _render(kind, language_of(None), link=link, **context)
    sms = f"{subject}: {link}" if link else subject
    target = (*channel, subject, body) if channel[0] == "email" else (*channel, "", sms)
    return _queue(f"account:{user.id}:{kind}:{key}", kind, [target])
