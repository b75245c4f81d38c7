"""The operator's files: a batch exported as CSV, and waybill numbers imported back.

An import is checked row by row first and applied only if every row is good, in one commit:
a bad file changes nothing, and the desk sees each bad row with its number and reason.
"""

import csv
import io
import re

from flask_babel import gettext as _
from sqlalchemy.orm.exc import StaleDataError

from app.extensions import db
from app.lib import places
from app.lib.exports import csv_text
from app.models import Dossier, PostalRequest
from app.models.postal import ACTIVE_STATES, PostalLeg
from app.services.actors import Actor
from app.services.errors import Invalid
from app.services.postal import desk as postal_desk

COLUMNS = ["ma_ho_so", "nguoi_nhan", "dien_thoai", "dia_chi", "phuong_xa", "tinh_thanh",
           "dich_vu", "cuoc_vnd", "so_van_don", "ngay_gui"]
WAYBILL = re.compile(r"^[A-Z0-9]{8,20}$")
MAX_ROWS = 2000


def export_csv(legs: list[PostalLeg]) -> str:
    """Return the batch as UTF-8 CSV (with BOM, for spreadsheet programs), no dossier contents."""
    return csv_text(COLUMNS, (_row(leg) for leg in legs))


def _row(leg: PostalLeg) -> list:
    r = leg.request
    return [r.dossier.code, r.recipient_name, r.phone, r.street, places.ward_name(r.ward_code),
            places.province_name(r.province_code), r.direction, r.fee, leg.waybill,
            leg.handed_on.strftime("%d/%m/%Y") if leg.handed_on else ""]


def _read(data: bytes) -> list[dict]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("Tệp không phải CSV mã UTF-8."), {"rows": [(0, _("Tệp không đọc được."))]}) from None
    first = text.splitlines()[0] if text.strip() else ""
    reader = csv.DictReader(io.StringIO(text), delimiter=";" if first.count(";") > first.count(",") else ",")
    if not reader.fieldnames or not {"ma_ho_so", "so_van_don"} <= {f.strip() for f in reader.fieldnames}:
        raise Invalid(_("Tệp thiếu cột ma_ho_so hoặc so_van_don."),
                      {"rows": [(1, _("Dòng tiêu đề phải có cột ma_ho_so và so_van_don."))]})
    return [{(k or "").strip(): (v or "").strip() for k, v in row.items() if isinstance(v, str | None)}
            for row in reader]


def _check(rows: list[dict], batch: str) -> tuple[list, list[tuple[int, str]]]:
    codes = [r.get("ma_ho_so", "").upper() for r in rows]
    found = {leg.dossier.code: leg for leg in db.session.execute(
        db.select(PostalLeg).join(PostalRequest).join(Dossier).where(
            Dossier.code.in_(codes), PostalLeg.kind == "result", PostalLeg.batch == batch,
            PostalLeg.state.in_(ACTIVE_STATES))).scalars()}
    used = set(db.session.execute(db.select(PostalLeg.waybill).where(
        PostalLeg.waybill.in_([r.get("so_van_don", "").upper() for r in rows]))).scalars())
    good, errors, seen_codes, seen_bills = [], [], set(), set()
    for n, (row, code) in enumerate(zip(rows, codes, strict=True), start=2):  # row 1 is the header
        bill, day_text = row.get("so_van_don", "").upper(), row.get("ngay_gui", "")
        day = postal_desk.parse_day(day_text) if day_text else postal_desk.today()
        leg = found.get(code)
        if leg is not None and leg.state == "handed_to_post" and leg.waybill == bill:
            seen_codes.add(code)  # the same file imported again: already recorded, nothing to do
            continue
        if leg is None or leg.state != "registered":
            problem = _("không có hồ sơ %(c)s đang chờ gửi trong lô này", c=code or "—")
        elif code in seen_codes:
            problem = _("hồ sơ %(c)s xuất hiện hai lần", c=code)
        elif not WAYBILL.match(bill):
            problem = _("số vận đơn “%(b)s” không hợp lệ (8–20 chữ cái in hoa hoặc chữ số)", b=bill)
        elif bill in used or bill in seen_bills:
            problem = _("số vận đơn %(b)s đã được dùng", b=bill)
        elif day is None or day > postal_desk.today():
            problem = _("ngày gửi “%(d)s” không hợp lệ (dd/mm/yyyy, không sau hôm nay)", d=day_text)
        elif leg.dossier.status != 9:
            problem = _("hồ sơ %(c)s chưa có kết quả", c=code)
        else:
            problem = None
        seen_codes.add(code)
        seen_bills.add(bill)
        if problem:
            errors.append((n, problem))
        else:
            good.append((leg, bill, day))
    return good, errors


def import_csv(data: bytes, batch: str, actor: Actor) -> int:
    """Apply every row's waybill, or none: raise Invalid with [(row, reason), ...] if any is bad."""
    rows = _read(data)
    if not rows or len(rows) > MAX_ROWS:
        raise Invalid(_("Tệp không có dòng nào hoặc quá %(n)s dòng.", n=MAX_ROWS),
                      {"rows": [(0, _("Số dòng không hợp lệ."))]})
    good, errors = _check(rows, batch)
    if errors:
        raise Invalid(_("Tệp có %(n)s dòng lỗi; chưa ghi nhận dòng nào.", n=len(errors)), {"rows": errors})
    try:
        for leg, bill, day in good:
            postal_desk.hand_over(leg, bill, day, actor, commit=False)
        db.session.commit()
    except StaleDataError:
        # An officer changed one of these dossiers meanwhile: nothing applied, import again.
        db.session.rollback()
        raise Invalid(_("Có hồ sơ vừa được thay đổi; chưa ghi nhận dòng nào. Vui lòng nhập lại tệp."),
                      {"rows": [(0, _("Vui lòng nhập lại tệp."))]}) from None
    except Exception:
        db.session.rollback()
        raise
    return len(good)
