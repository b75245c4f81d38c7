"""Template filters and globals: money, dates and labels the way Vietnamese readers expect."""

import uuid
from datetime import date, datetime, time

import segno
from flask import Flask, has_request_context, session
from flask_babel import gettext as _
from markupsafe import Markup

from app.lib.time import to_local
from app.models.status import Channel, Status
from app.services.dossiers.tracking import access_token
from app.services.files.uploads import human_size


def vnd(amount: int) -> str:
    """Format a fee: 200.000 đ (or 'Miễn phí')."""
    if not amount:
        return _("Miễn phí")
    return f"{amount:,}".replace(",", ".") + " đ"


def day(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


def moment(value: datetime | None) -> str:
    return to_local(value).strftime("%H:%M %d/%m/%Y") if value else ""


def booked(value: datetime | None, utc: bool = True) -> str:
    """A bank booking: its time where the statement gave one, else only its date (no made-up 00:00)."""
    if value is None:
        return ""
    local = to_local(value) if utc else value
    return local.strftime("%d/%m/%Y" if local.time() == time() else "%H:%M %d/%m/%Y")


def register(app: Flask) -> None:
    app.add_template_filter(vnd)
    app.add_template_filter(day)
    app.add_template_filter(moment)
    app.add_template_filter(booked)
    app.add_template_filter(human_size, "size")
    app.add_template_filter(mask)
    app.add_template_global(qr_svg)
    app.add_template_global(dossier_labels)
    app.add_template_global(access_token)
    app.add_template_global(lambda: str(uuid.uuid4()), "new_uuid")

    @app.context_processor
    def globals_():
        return {
            "Status": Status,
            "Channel": Channel,
            "centre_name": app.config["CENTRE_NAME"],
            "lang": session.get("lang", "vi") if has_request_context() else "vi",
        }


def qr_svg(data: str) -> Markup:
    """Return an inline SVG QR code (segno draws only modules, no text from `data`).

    A viewBox beside its size on screen, so print CSS draws it smaller instead of cropping it
    (the A5 receipt's 26 mm: without one the printed code lost its edges and did not scan);
    the 4-module quiet zone the QR standard asks for, as the VietQR has.
    """
    qr = segno.make(data, error="m")
    width, height = qr.symbol_size(scale=3, border=4)
    svg = qr.svg_inline(scale=3, border=4, title=None)
    return Markup(svg.replace("<svg ", f'<svg viewBox="0 0 {width} {height}" ', 1))


def mask(value: str, keep: int = 3) -> str:
    """Hide the middle of an ID or phone number on screen: 079•••••••23."""
    if len(value) <= keep * 2:
        return value
    return value[:keep] + "•" * (len(value) - keep - 2) + value[-2:]


def dossier_labels(procedure) -> dict[str, str]:
    """Field name → label for a dossier form, so error summaries name what people see."""
    from flask_babel import gettext as _

    labels = {
        "applicant.name": _("Họ và tên"), "applicant.id_number": _("Số định danh cá nhân (CCCD)"),
        "applicant.phone": _("Số điện thoại di động"), "applicant.email": _("Email"),
        "applicant.address": _("Địa chỉ liên hệ"), "return_method": _("Cách nhận kết quả"),
    }
    labels |= {f"fields.{f['name']}": f["label"] for f in procedure.form_fields}
    labels |= {f"documents.{r.id}": r.name for r in procedure.requirements}
    labels |= {f"declarations.{r.id}.{f['name']}": f["label"]
               for r in procedure.requirements if r.declaration for f in r.declaration["fields"]}
    return labels
