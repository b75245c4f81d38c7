"""Printing: the receipt (and the staff slips of the same layout) fit one A5 sheet, QR included.

Printed to PDF by Chromium with the page's own @page size, as "In giấy tiếp nhận" does;
the pages are counted in the PDF (each page object is `/Type /Page`).
"""

import re

import pytest

from app.extensions import db
from app.models import Requirement
from app.services.dossiers.tracking import access_token
from tests.factories import (
    STAFF_PASSWORD,
    jpeg_bytes,
    make_agency,
    make_procedure,
    make_user,
    manifest,
    new_key,
)

pytestmark = pytest.mark.browser

# The longest procedure name in the demo catalogue, and the longest kind of agency name.
LONG_NAME = ("Cấp giấy phép hành nghề đối với chức danh bác sĩ, y sĩ, điều dưỡng, hộ sinh, kỹ thuật y, "
             "dinh dưỡng lâm sàng, cấp cứu viên ngoại viện, tâm lý lâm sàng")
AGENCY = "Sở Nông nghiệp và Môi trường tỉnh Tây Ninh"


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def printed(page, url: str, shot: str) -> int:
    page.goto(url)
    page.screenshot(path=f"/tmp/journeys/{shot}.png", full_page=True)
    page.emulate_media(media="print")
    return pages(page.pdf(prefer_css_page_size=True, print_background=True))


@pytest.fixture
def heavy_dossier(app):
    """A dossier as long as they come: the longest name, five requirements, eight photos."""
    with app.app_context():
        proc = make_procedure(make_agency(name=AGENCY), name=LONG_NAME)
        proc.requirements += [Requirement(position=n, name=f"Giấy tờ {n}", mandatory=False) for n in (3, 4)]
        db.session.commit()
        return file_eight_photos(proc, requirements=5)


def file_eight_photos(proc, requirements: int) -> tuple[str, str]:
    """File a dossier of eight photos with long names over the first `requirements` of `proc`
    (in an app context): its code and its receipt's address."""
    from app.services.dossiers import submissions
    from app.services.files import blobs
    from app.services.files.uploads import inspect

    docs = [(n % requirements, jpeg_bytes(color=(20 * n, 10, 200 - 20 * n))) for n in range(8)]
    for _i, data in docs:
        blobs.save_blob(data, inspect(data, 10 * 1024 * 1024))
    db.session.commit()
    body = manifest(proc, docs)
    for n, doc in enumerate(body["documents"]):
        doc["name"] = f"anh-chup-giay-to-so-{n + 1}-mat-truoc-va-mat-sau.jpg"
    dossier, _created = submissions.create_dossier(body, new_key())
    code, url = dossier.code, f"/ho-so/{dossier.code}/bien-nhan?t={access_token(dossier)}"
    db.session.remove()
    return code, url


def test_the_receipt_prints_on_one_a5_page_with_its_qr_code(page, heavy_dossier):
    _code, url = heavy_dossier
    assert printed(page, url, "receipt") == 1
    qr = page.locator(".slip .qr svg").bounding_box()
    assert qr and qr["width"] > 50  # the QR code is printed, at a size a phone can read


def test_the_receipt_reached_by_a_boosted_link_prints_the_same(page, heavy_dossier):
    code, url = heavy_dossier
    page.goto(url.replace("/bien-nhan", ""))  # the status page, then its link to the receipt
    page.evaluate(f"""() => {{ const a = document.createElement('a'); a.id = 'to-receipt';
        a.href = {url!r}; a.textContent = 'receipt'; document.querySelector('main').append(a);
        htmx.process(a); }}""")
    page.click("#to-receipt")
    page.wait_for_url(f"**/ho-so/{code}/bien-nhan?t=*")
    page.emulate_media(media="print")
    assert pages(page.pdf(prefer_css_page_size=True)) == 1


def test_the_staff_supplement_slip_prints_on_one_page(page, app, heavy_dossier):
    from datetime import timedelta

    from app.lib.time import local_today
    from app.models import Dossier
    from app.services import workflow
    from app.services.actors import Actor

    code, _url = heavy_dossier
    with app.app_context():
        dossier = db.session.execute(db.select(Dossier).filter_by(code=code)).scalar_one()
        workflow.request_supplement(dossier, Actor("user", "reception", None, "Nguyễn Thị Cán Bộ"),
                                    "\n".join(f"Bản sao có chứng thực giấy tờ số {n}" for n in range(1, 6)),
                                    local_today() + timedelta(days=10))
        email = make_user("admin").email
        db.session.remove()
    page.goto("/dang-nhap")
    page.fill("#email", email)
    page.fill("#password", STAFF_PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_url("**/staff/**")
    assert printed(page, f"/staff/ho-so/{code}/in/bo-sung/1", "slip-supplement") == 1
