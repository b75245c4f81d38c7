"""Mẫu 04: when a dossier will be late, apologise to the applicant and give a new date.

The status does not change and the appointment date used for counting stays as it was
(a late dossier is still counted late); the new date goes on the timeline and to the
applicant.
"""

import re
from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.lib.time import local_today, utcnow
from app.models import Dossier, StatusEvent
from app.services import workflow
from app.services.actors import Actor
from app.services.errors import Invalid

# The timeline keeps the letter's note in Vietnamese whoever wrote it (app/i18n.py), so the
# new date can be read back from the latest letter's entry (the note's format is below).
NOTE_DATE = re.compile(r"^Thư xin lỗi: hẹn lại ngày (\d{2})/(\d{2})/(\d{4})\.")


def apologise(dossier: Dossier, actor: Actor, new_date: date | None, reason: str, *,
              version: int | None = None, at: datetime | None = None) -> Dossier:
    """Record the apology with its new date and queue the letter to the applicant."""
    workflow.check(dossier, actor, "apologise", version)
    reason = (reason or "").strip()[:1000]
    errors = {}
    if new_date is None or new_date <= max(local_today(), dossier.due_date or local_today()):
        errors["new_date"] = [_("Ngày hẹn mới phải sau ngày hẹn hiện tại và sau hôm nay.")]
    if not reason:
        errors["note"] = [_("Vui lòng ghi lý do chậm trễ.")]
    if errors:
        raise Invalid(_("Thư xin lỗi chưa đủ thông tin."), errors)
    note = _l("Thư xin lỗi: hẹn lại ngày %(d)s. Lý do: %(r)s", d=new_date.strftime("%d/%m/%Y"), r=reason)
    # The same write as every transition (timeline entry, letter, version-checked commit);
    # the status stays.
    return workflow.record(dossier, actor, dossier.status_enum, note, at or utcnow(),
                           notice="apology", new_date=new_date, reason=reason)


def latest_new_date(dossier: Dossier) -> date | None:
    """Return the new date of the latest apology letter sent for `dossier`, if any."""
    notes = db.session.execute(
        db.select(StatusEvent.note)
        .where(StatusEvent.dossier_id == dossier.id, StatusEvent.from_status == StatusEvent.to_status,
               StatusEvent.note.startswith("Thư xin lỗi: "))
        .order_by(StatusEvent.id.desc()).limit(1)).scalars()
    for note in notes:
        if match := NOTE_DATE.match(note):
            day, month, year = (int(g) for g in match.groups())
            return date(year, month, day)
    return None
