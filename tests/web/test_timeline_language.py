"""The timeline is read in each reader's language, whatever the language of the request that wrote it.

A system note (and a system actor label) is kept as its message key and parameters beside its
Vietnamese text (app/i18n.py); what a person typed stays as typed; rows from before keys show
their stored text. Machines (the department API, the national portal) keep the Vietnamese.
"""

import re

import pytest
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_babel.speaklater import LazyString

from app.extensions import db
from app.i18n import key_of, render
from app.lib.time import local_today
from app.models import Dossier, StatusEvent
from app.services import workflow
from app.services.actors import Actor
from app.services.postal import changes as postal_changes
from tests.agency_helpers import bearer, department, processing, token_for
from tests.factories import VALID_PHONE, load_test_holidays, make_dossier, make_procedure, make_user, new_key
from tests.helpers import csrf_token, fresh_client, sign_in
from tests.postal_helpers import HANOI, dossier_with_token, post_postal, postal_body


def _citizen(app, code: str, lang: str):
    """A citizen's browser in `lang` that has proved the dossier (code + phone)."""
    client = fresh_client(app)
    client.get(f"/ngon-ngu/{lang}")
    page = client.get(f"/tra-cuu?ma={code}").get_data(as_text=True)
    assert client.post("/tra-cuu", data={"code": code, "secret": VALID_PHONE,
                                         "csrf_token": csrf_token(page)}).status_code == 303
    return client


def _officer(app, role: str = "reception", lang: str = "vi", **kw):
    client = fresh_client(app)
    sign_in(client, make_user(role, **kw))
    client.get(f"/ngon-ngu/{lang}")
    return client


def _act(client, code: str, slug: str, data: dict | None = None):
    page = client.get(f"/staff/ho-so/{code}").get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', page).group(1)
    return client.post(f"/staff/ho-so/{code}/{slug}",
                       data={"csrf_token": csrf_token(page), "version": version, **(data or {})})


def _timeline(html: str) -> str:
    return html.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]


def _citizen_reads(app, code: str, lang: str) -> str:
    """The timeline on the citizen's status page, in `lang`."""
    return _timeline(_citizen(app, code, lang).get(f"/ho-so/{code}").get_data(as_text=True))


def _staff_reads(app, code: str, lang: str, client=None) -> str:
    """The timeline on the staff dossier page, in `lang`."""
    return _timeline((client or _officer(app, lang=lang)).get(f"/staff/ho-so/{code}").get_data(as_text=True))


def _event(dossier, to_status: int) -> StatusEvent:
    return db.session.execute(db.select(StatusEvent).filter_by(dossier_id=dossier.id, to_status=to_status)
                              ).scalar_one()


@pytest.fixture
def submitted(app, ctx):
    load_test_holidays(local_today().year, local_today().year + 1)
    return make_dossier(make_procedure())


def test_an_english_dossier_reads_its_system_notes_in_english(app, submitted):
    submitted.language = "en"
    db.session.commit()
    officer = _officer(app, lang="vi")
    assert _act(officer, submitted.code, "tiep-nhan").status_code == 303
    due = db.session.get(Dossier, submitted.id).due_date.strftime("%d/%m/%Y")

    timeline = _citizen_reads(app, submitted.code, "en")
    assert f"Accepted; appointment date {due}" in timeline and "Submit dossier" in timeline
    assert "Tiếp nhận; hẹn trả" not in timeline and "Nộp hồ sơ" not in timeline
    # Stored once, in Vietnamese too: the legal record, the feeds, and every row before keys.
    event = _event(submitted, 2)
    assert event.note == f"Tiếp nhận; hẹn trả ngày {due}"
    assert (event.note_key, event.note_params) == ("Tiếp nhận; hẹn trả ngày %(d)s", {"d": due})


def test_an_officer_in_english_writes_for_a_vietnamese_reader_in_vietnamese(app, submitted):
    officer = _officer(app, lang="en")
    assert _act(officer, submitted.code, "tiep-nhan").status_code == 303
    assert _act(officer, submitted.code, "chuyen-xu-ly").status_code == 303

    citizen = _citizen_reads(app, submitted.code, "vi")
    assert "Tiếp nhận; hẹn trả ngày" in citizen and "Chuyển cơ quan giải quyết" in citizen
    assert "Accepted;" not in citizen and "Transfer to the resolving agency" not in citizen

    english = _staff_reads(app, submitted.code, "en", officer)
    assert "Accepted; appointment date" in english and "Transfer to the resolving agency" in english
    vietnamese = _staff_reads(app, submitted.code, "vi")
    assert "Tiếp nhận; hẹn trả ngày" in vietnamese and "Accepted;" not in vietnamese


def test_a_typed_note_stays_as_typed_in_every_language(app, submitted):
    officer = _officer(app, lang="en")
    typed = "Đủ giấy tờ, bản gốc đã xem"
    assert _act(officer, submitted.code, "tiep-nhan", {"note": typed}).status_code == 303
    event = _event(submitted, 2)
    assert (event.note, event.note_key, event.note_params) == (typed, None, None)
    for lang in ("vi", "en"):
        assert typed in _citizen_reads(app, submitted.code, lang)
        assert typed in _staff_reads(app, submitted.code, lang)


def test_a_row_from_before_keys_shows_its_stored_text(app, submitted):
    db.session.add(StatusEvent(dossier_id=submitted.id, from_status=1, to_status=1, actor_kind="user",
                               actor_label="Cán bộ cũ", note="Ghi chú viết trước khi có khoá"))
    db.session.commit()
    assert "Ghi chú viết trước khi có khoá" in _citizen_reads(app, submitted.code, "en")
    staff = _staff_reads(app, submitted.code, "en")
    assert "Cán bộ cũ" in staff and "Ghi chú viết trước khi có khoá" in staff


def test_the_applicants_label_is_kept_as_a_message(app, submitted):
    with force_locale("en"):  # the language of the request that caused it must not matter
        workflow.request_withdrawal(submitted, Actor.citizen(submitted))
    event = _event(submitted, 7)
    assert event.actor_label == f"Người nộp: {submitted.applicant_name}"
    assert event.note == "Ghi nhận yêu cầu rút hồ sơ"
    english = _staff_reads(app, submitted.code, "en")
    assert f"Applicant: {submitted.applicant_name}" in english
    vietnamese = _staff_reads(app, submitted.code, "vi")
    assert f"Người nộp: {submitted.applicant_name}" in vietnamese and "Applicant:" not in vietnamese


def test_translatable_parameters_are_kept_as_keys(app, ctx, client):
    """A postal change names the service (a message itself): each reader reads it in their language."""
    dossier, token = dossier_with_token()
    req_id = post_postal(client, dossier.code, postal_body(token=token)).get_json()["request_id"]
    with force_locale("en"):
        postal_changes.change(dossier, req_id, postal_body(token=token, direction="both", province=HANOI,
                                                           ward=70), new_key(), Actor.citizen(dossier))
    events = db.session.execute(db.select(StatusEvent).filter_by(dossier_id=dossier.id)
                                .order_by(StatusEvent.id)).scalars().all()
    registered, changed = events[-2], events[-1]
    assert registered.note.startswith("Đăng ký dịch vụ bưu chính công ích: Gửi kết quả; cước ")
    assert changed.note.startswith("Thay đổi yêu cầu bưu chính: Dịch vụ: Gửi bản gốc hồ sơ và nhận kết quả; ")
    with force_locale("en"):
        assert registered.note_text.startswith("Public postal service registration: Send the result; postage")
        assert changed.note_text.startswith("Postal request changed: Services: ")
        assert "Gửi" not in changed.note_text.split(";")[0]
    with force_locale("vi"):
        assert registered.note_text == registered.note and changed.note_text == changed.note


def test_the_tracking_api_answers_in_the_readers_language(app, submitted):
    workflow.accept(submitted, Actor("user", "reception", None, "Cán bộ"))
    client = fresh_client(app)
    body = {"code": submitted.code, "secret": VALID_PHONE}
    vi = client.post("/api/v1/track", json=body).json["timeline"]
    en = client.post("/api/v1/track?lang=en", json=body).json["timeline"]
    assert vi[0]["note"] == "Nộp hồ sơ" and vi[1]["note"].startswith("Tiếp nhận; hẹn trả ngày ")
    assert en[0]["note"] == "Submit dossier" and en[1]["note"].startswith("Accepted; appointment date ")


def test_the_department_api_keeps_the_recorded_vietnamese(app, ctx, client):
    agency, proc = department()
    dossier = processing(proc)
    answer = client.get(f"/api/v1/agency/dossiers/{dossier.code}?lang=en", headers=bearer(token_for(agency)))
    notes = [e["note"] for e in answer.json["timeline"]]
    assert notes[0] == "Nộp hồ sơ" and notes[1].startswith("Tiếp nhận; hẹn trả ngày ")
    assert notes[2] == "Chuyển cơ quan giải quyết"


def test_a_broken_translation_shows_the_stored_text(app, ctx):
    with force_locale("en"):
        assert render("Không có %(x)s trong bản dịch", {"y": 1}, "văn bản đã lưu") == "văn bản đã lưu"
        assert render(None, None, "gõ tay") == "gõ tay"
        assert key_of("gõ tay") == (None, None)
        # A parameter translated some other way than lazy_gettext is kept as Vietnamese text.
        other = LazyString(lambda: str(_l("Gửi kết quả")))
        assert key_of(_l("Đăng ký: %(what)s", what=other)) == ("Đăng ký: %(what)s", {"what": "Gửi kết quả"})
