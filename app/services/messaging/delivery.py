"""The notification worker: claim due messages, send them, record what happened.

At-least-once over SMTP cannot be made exactly-once, but the window is kept to one message:
each message is marked sent in its own commit right after the server accepted it, a claim
(lease) keeps two workers off the same row, and a crashed worker's lease simply expires.
Every email carries a Message-ID derived from the row, so a duplicate is recognisable.
"""

import smtplib
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid, parseaddr

from flask import current_app
from sqlalchemy import or_, select, update

from app.extensions import db
from app.lib.time import utcnow
from app.models.notification import Notification
from app.services.accounts import password_reset
from app.services.messaging.sms import gateway
from app.services.payments import fees

LEASE = timedelta(minutes=2)
MAX_ATTEMPTS = 12


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... capped at one hour."""
    return timedelta(seconds=min(3600, 30 * 2 ** max(0, attempts - 1)))


def claim(limit: int) -> list[Notification]:
    """Take up to `limit` due messages for this worker, atomically."""
    now = utcnow()
    due = (
        select(Notification.id)
        .where(Notification.sent_at.is_(None), Notification.failed_at.is_(None),
               Notification.next_attempt_at <= now,
               or_(Notification.claimed_until.is_(None), Notification.claimed_until < now))
        .order_by(Notification.id).limit(limit)
    )
    stmt = (
        update(Notification)
        .where(Notification.id.in_(due.scalar_subquery()),
               or_(Notification.claimed_until.is_(None), Notification.claimed_until < now))
        .values(claimed_until=now + LEASE)
        .returning(Notification.id)
    )
    ids = list(db.session.execute(stmt).scalars())
    db.session.commit()
    if not ids:
        return []
    rows = db.session.execute(select(Notification).where(Notification.id.in_(ids))
                              .order_by(Notification.id)).scalars()
    return list(rows)


def _email(note: Notification) -> EmailMessage:
    cfg = current_app.config
    msg = EmailMessage()
    msg["From"] = cfg["MAIL_SENDER"]
    msg["To"] = note.recipient
    msg["Subject"] = note.subject
    domain = parseaddr(cfg["MAIL_SENDER"])[1].rpartition("@")[2] or "localhost"
    msg["Message-ID"] = make_msgid(idstring=f"notification-{note.id}", domain=domain)
    msg.set_content(note.body)
    if note.dossier is not None and note.event in ("payment_requested", "received"):
        # The text carries the account and content to type; the code saves typing them: a
        # banking app opens an image from the mail. As an attachment, not inline HTML: the mail
        # stays plain text on every phone.
        png = fees.transfer_qr_png(note.dossier, asking=note.event == "payment_requested")
        if png is not None:
            msg.add_attachment(png, maintype="image", subtype="png",
                               filename=f"VietQR-{fees.transfer_content(note.dossier.code)}.png")
    return msg


def _smtp() -> smtplib.SMTP:
    cfg = current_app.config
    smtp = smtplib.SMTP(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=cfg["MAIL_TIMEOUT"])
    if cfg["MAIL_USE_TLS"]:
        smtp.starttls()
    if cfg["MAIL_USERNAME"]:
        smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
    return smtp


def _failed(note: Notification, error: Exception) -> None:
    note.attempts += 1
    note.last_error = f"{type(error).__name__}: {error}"[:500]
    note.claimed_until = None
    if note.attempts >= MAX_ATTEMPTS:
        note.failed_at = utcnow()
    else:
        note.next_attempt_at = utcnow() + backoff(note.attempts)


def deliver_batch(limit: int = 50) -> tuple[int, int]:
    """Send one batch; return (sent, failed)."""
    notes = claim(limit)
    sent = failed = 0
    smtp = None
    for note in notes:
        if note.channel == password_reset.PENDING:  # a reset request: its account is looked up only now
            note = password_reset.resolve(note)
            if note is None:
                db.session.commit()
                continue
            db.session.flush()  # the message's id goes into its Message-ID
        try:
            if note.channel == "email":
                smtp = smtp or _smtp()
                smtp.send_message(_email(note))
            else:
                gateway().send(note.recipient, note.body)
        except (OSError, smtplib.SMTPException) as exc:
            _failed(note, exc)
            failed += 1
            if smtp is not None:  # start afresh: the connection may be in any state
                smtp.close()
                smtp = None
        else:
            note.sent_at, note.claimed_until = utcnow(), None
            sent += 1
        db.session.commit()  # one message at a time: a crash loses at most the one in flight
    if smtp is not None:
        try:
            smtp.quit()
        except smtplib.SMTPException:
            pass
    return sent, failed
