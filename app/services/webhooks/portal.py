"""The national public-service portal's records: DongBoHoSoMC (a dossier) and CapNhatTienDoHoSoMC.

Off unless NATIONAL_PORTAL_URL is set. A new dossier sends its record; each status change
sends the record again (its state and end dates) and one progress record. Dates are
`yyyyMMddHHmmss` in Asia/Ho_Chi_Minh, as the portal's published shape asks.
"""

from datetime import date, datetime, time

from sqlalchemy import select

from app.i18n import stored
from app.lib.time import VN, to_local
from app.models import Dossier, StatusEvent
from app.models.status import STATUS_LABELS, Status
from app.services.integration.changes import Change

SYNC, PROGRESS = "DongBoHoSoMC", "CapNhatTienDoHoSoMC"
CLOSE_OF_DAY = time(17, 0)  # a due date is kept as a day; the portal wants a moment


def stamp(moment: datetime | date | None) -> str:
    """A stored UTC moment (or a local day, at close of business) as yyyyMMddHHmmss, Vietnam time."""
    if moment is None:
        return ""
    if not isinstance(moment, datetime):
        return datetime.combine(moment, CLOSE_OF_DAY, VN).strftime("%Y%m%d%H%M%S")
    return to_local(moment).strftime("%Y%m%d%H%M%S")


def dossier_record(dossier: Dossier) -> dict:
    """A dossier in the portal's DongBoHoSoMC shape."""
    business = dossier.applicant_kind == "business"
    return {
        "MaHoSo": dossier.code,
        "MaTTHC": dossier.procedure.code,
        "TenTTHC": dossier.procedure.name,
        "MaCoQuan": dossier.agency.code,
        "ChuHoSo": dossier.applicant_name,
        "LoaiDoiTuong": 2 if business else 1,
        "SoDinhDanh": (dossier.tax_code if business and dossier.tax_code else dossier.applicant_id_number),
        "SoDienThoai": dossier.applicant_phone,
        "Email": dossier.applicant_email or "",
        "DiaChi": dossier.applicant_address,
        "NgayNopHoSo": stamp(dossier.submitted_at),
        "NgayTiepNhan": stamp(dossier.accepted_at or dossier.submitted_at),
        "NgayHenTra": stamp(dossier.due_date),
        "NgayKetThucXuLy": stamp(dossier.finished_at),
        "NgayTra": stamp(dossier.returned_at),
        "TrangThaiHoSo": int(dossier.status),
        "HinhThuc": int(dossier.channel),
    }


def progress_record(dossier: Dossier, entry: StatusEvent | None) -> dict:
    """One step of the dossier's timeline in the portal's CapNhatTienDoHoSoMC shape."""
    label = stored(STATUS_LABELS[Status(dossier.status)])
    return {
        "MaHoSo": dossier.code,
        "TrangThaiHoSo": int(dossier.status),
        "NoiDungXuLy": (entry.note if entry and entry.note else label),
        "NguoiXuLy": entry.actor_label if entry else "",
        "PhongBanXuLy": dossier.agency.name,
        "ThoiGianXuLy": stamp(entry.created_at if entry else None),
        "NgayHenTra": stamp(dossier.due_date),
    }


def records(session, change: Change) -> list[tuple[str, dict]]:
    """What the portal gets for one change: (service name, record) pairs, possibly none."""
    dossier = change.dossier
    if change.event == "dossier.created":
        return [(SYNC, dossier_record(dossier))]
    if change.event != "dossier.status_changed":
        return []
    entry = session.execute(select(StatusEvent).where(StatusEvent.dossier_id == dossier.id)
                            .order_by(StatusEvent.id.desc()).limit(1)).scalar_one_or_none()
    return [(SYNC, dossier_record(dossier)), (PROGRESS, progress_record(dossier, entry))]
