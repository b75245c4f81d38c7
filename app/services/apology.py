"""Mẫu 04: when a dossier will be late, apologise to the applicant and give a new date.

The status does not change and the appointment date used for counting stays as it was
(a late dossier is still counted late); the new date goes on the timeline and to the
applicant.
"""

from datetime import date, datetime

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import Dossier
from app.models.time import local_today, utcnow
from app.services import workflow
from app.services.actors import Actor
from app.services.errors import Invalid


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
