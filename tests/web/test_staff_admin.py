"""Admin pages: create and disable accounts, edit procedures, edit the holiday table."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.models import Holiday, Procedure, User
from app.services import workflow
from app.services.actors import Actor
from tests.factories import STAFF_PASSWORD, make_dossier, make_procedure, make_user
from tests.helpers import form_post as post
from tests.helpers import fresh_client, sign_in


def test_create_department_officer_who_can_then_sign_in(app, client, admin):
    proc = make_procedure()
    page = client.get("/staff/quan-tri/tai-khoan").get_data(as_text=True)
    assert "Tạo tài khoản cán bộ" in page
    response = post(client, "/staff/quan-tri/tai-khoan", {
        "email": "So.TuPhap@TayNinh.gov.vn", "name": "Ngô Thị Sở", "role": "department",
        "agency_id": str(proc.agency_id), "password": STAFF_PASSWORD})
    assert response.status_code == 303
    user = db.session.execute(db.select(User).filter_by(email="so.tuphap@tayninh.gov.vn")).scalar_one()
    assert user.role == "department" and user.agency_id == proc.agency_id
    assert user.password_hash.startswith("$argon2id$")
    newcomer = fresh_client(app)
    sign_in(newcomer, user.email)
    assert newcomer.get("/staff/").status_code == 200


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"role": "department"}, "agency_id", "Cán bộ Sở, ngành phải thuộc một cơ quan."),
    ({"password": "ngan"}, "password", "Mật khẩu cần từ 10 đến 200 ký tự."),
    ({"email": "khong-phai-email"}, "email", "Địa chỉ email không hợp lệ."),
    ({"role": "vua"}, "role", "Vai trò không hợp lệ."),
])
def test_invalid_account_is_not_created(client, admin, form, field, message):
    data = {"email": "moi@motcua.test", "name": "Người Mới", "role": "reception",
            "password": STAFF_PASSWORD} | form
    response = post(client, "/staff/quan-tri/tai-khoan", data)
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    assert db.session.execute(db.select(User).filter_by(email="moi@motcua.test")).first() is None


def test_duplicate_email_is_refused(client, admin):
    response = post(client, "/staff/quan-tri/tai-khoan", {
        "email": admin.email, "name": "X", "role": "leader", "password": STAFF_PASSWORD})
    assert response.status_code == 422 and "E-mail này đã có tài khoản." in response.get_data(as_text=True)


def test_disable_and_enable_an_account(app, client, admin):
    officer = make_user("reception")
    other = fresh_client(app)
    sign_in(other, officer)
    url = f"/staff/quan-tri/tai-khoan/{officer.id}/trang-thai"
    assert post(client, url, {"active": "0"}).status_code == 303
    assert db.session.get(User, officer.id).active is False
    assert other.get("/staff/").status_code == 302  # signed out on the next request
    assert post(client, url, {"active": "1"}).status_code == 303
    assert db.session.get(User, officer.id).active is True
    refused = post(client, f"/staff/quan-tri/tai-khoan/{admin.id}/trang-thai", {"active": "0"})
    assert refused.status_code == 422 and db.session.get(User, admin.id).active is True


def test_edit_procedure_changes_the_next_due_date(client, admin):
    proc = make_procedure()
    form = client.get(f"/staff/quan-tri/thu-tuc/{proc.code}").get_data(as_text=True)
    assert 'value="10"' in form and "Giờ chốt" in form
    bad = post(client, f"/staff/quan-tri/thu-tuc/{proc.code}", {
        "name": proc.name, "processing_time": "-1", "time_unit": "working_day"})
    assert bad.status_code == 422
    response = post(client, f"/staff/quan-tri/thu-tuc/{proc.code}", {
        "name": "Cấp Phiếu lý lịch tư pháp số 1", "processing_time": "3", "time_unit": "working_day",
        "cutoff_hour": "", "fee": "100000", "postal_allowed": "1", "active": "1"})
    assert response.status_code == 303
    proc = db.session.get(Procedure, proc.id)
    assert (proc.processing_time, proc.cutoff_hour, proc.fee) == (3, None, 100000)
    assert "so 1" in proc.search_text
    dossier = make_dossier(proc)
    at = datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh")).astimezone(UTC).replace(tzinfo=None)
    workflow.accept(dossier, Actor.of(make_user("reception")), at=at)
    assert dossier.due_date == date(2026, 3, 5)


def test_holiday_table_seed_edit_and_delete(client, admin):
    assert post(client, "/staff/quan-tri/ngay-nghi/nap", {"nam": "2026"}).status_code == 303
    assert db.session.get(Holiday, date(2026, 9, 2)) is not None
    page = client.get("/staff/quan-tri/ngay-nghi?nam=2026").get_data(as_text=True)
    assert "02/09/2026" in page and "Ngày làm việc bù" in page  # the swapped Saturday
    # The government announces a new swap: Saturday 10/10 worked, Friday 9/10 off.
    assert post(client, "/staff/quan-tri/ngay-nghi", {
        "day": "2026-10-10", "name": "Làm bù cho ngày 9/10", "is_working_day": "1"}).status_code == 303
    assert post(client, "/staff/quan-tri/ngay-nghi", {
        "day": "2026-10-09", "name": "Nghỉ bù"}).status_code == 303
    assert db.session.get(Holiday, date(2026, 10, 10)).is_working_day is True
    assert db.session.get(Holiday, date(2026, 10, 9)).is_working_day is False
    bad = post(client, "/staff/quan-tri/ngay-nghi", {"day": "10/10/2026", "name": ""})
    assert bad.status_code == 422 and "Ngày không hợp lệ" in bad.get_data(as_text=True)
    assert post(client, "/staff/quan-tri/ngay-nghi/2026-10-09/xoa").status_code == 303
    assert db.session.get(Holiday, date(2026, 10, 9)) is None


def test_non_admin_staff_get_403(app, admin):
    for role in ("reception", "leader"):
        other = fresh_client(app)
        sign_in(other, make_user(role))
        assert other.get("/staff/quan-tri/tai-khoan").status_code == 403
