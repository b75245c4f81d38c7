"""Organisation members: owners change roles and remove members; the last owner always stays."""

from app.extensions import db
from app.models import Membership, Organisation, User
from tests.factories import make_procedure
from tests.helpers import fresh_client
from tests.org_helpers import accept, filed, invite
from tests.web.test_accounts import TAX_CODE, post, register

OTHER_TAX = "0312345673"
LAST_OWNER = "Tổ chức phải còn ít nhất một chủ sở hữu. Hãy chọn chủ sở hữu khác trước."


def _member(org_id: int, email: str) -> Membership:
    return db.session.execute(db.select(Membership).join(User, User.id == Membership.user_id).filter(
        Membership.organisation_id == org_id, User.email == email)).scalar_one()


def _roles(org_id: int) -> dict[int, str]:
    rows = db.session.execute(db.select(Membership).filter_by(organisation_id=org_id)).scalars()
    return {m.id: m.role for m in rows}


def _company(app, login: str, tax_code: str, name: str):
    client = fresh_client(app)
    assert register(client, login, kind="business", tax_code=tax_code, org_name=name).status_code == 303
    org = db.session.execute(db.select(Organisation).filter_by(tax_code=tax_code)).scalar_one()
    return client, org


def _setup(app):
    owner, org = _company(app, "chu@a.vn", TAX_CODE, "Công ty A")
    staff = fresh_client(app)
    assert register(staff, "nv@a.vn").status_code == 303
    page = f"/to-chuc/{org.id}"
    assert invite(owner, org, "nv@a.vn").status_code == 303
    assert accept(staff, org, "nv@a.vn").status_code == 303
    return owner, staff, org, page


def test_last_owner_can_be_neither_demoted_nor_removed(ctx, app):
    owner, _staff, org, page = _setup(app)
    me = _member(org.id, "chu@a.vn")
    before = _roles(org.id)
    for url, data in ((f"{page}/thanh-vien/{me.id}/vai-tro", {"role": "member"}),
                      (f"{page}/thanh-vien/{me.id}/xoa", {})):
        answer = post(owner, url, data, page)
        assert answer.status_code == 422 and LAST_OWNER in answer.get_data(as_text=True)
    bad_role = post(owner, f"{page}/thanh-vien/{me.id}/vai-tro", {"role": "admin"}, page)
    assert bad_role.status_code == 422 and "Vai trò không hợp lệ." in bad_role.get_data(as_text=True)
    assert _roles(org.id) == before


def test_owner_promotes_then_steps_down_and_removes_a_member(ctx, app):
    owner, staff, org, page = _setup(app)
    me, colleague = _member(org.id, "chu@a.vn"), _member(org.id, "nv@a.vn")
    dossier = filed(owner, make_procedure(), organisation=org.id)
    assert staff.get(f"/ho-so/{dossier.code}").status_code == 200  # a member sees the firm's dossiers
    promote = post(owner, f"{page}/thanh-vien/{colleague.id}/vai-tro", {"role": "owner"}, page)
    assert promote.status_code == 303
    assert _roles(org.id) == {me.id: "owner", colleague.id: "owner"}
    # Now that someone else owns it too, the first owner may step down.
    assert post(owner, f"{page}/thanh-vien/{me.id}/vai-tro", {"role": "member"}, page).status_code == 303
    assert _roles(org.id) == {me.id: "member", colleague.id: "owner"}
    # The new owner removes the old one, who then sees neither the organisation nor its dossiers.
    assert post(staff, f"{page}/thanh-vien/{me.id}/xoa", {}, page).status_code == 303
    assert _roles(org.id) == {colleague.id: "owner"}
    assert owner.get(page).status_code == 404
    # The dossier stays the organisation's: the remaining owner sees it, the removed one no longer.
    assert staff.get(f"/ho-so/{dossier.code}").status_code == 200
    assert owner.get(f"/ho-so/{dossier.code}").status_code == 404


def test_a_member_cannot_change_roles_or_remove(ctx, app):
    _owner, staff, org, page = _setup(app)
    me, colleague = _member(org.id, "chu@a.vn"), _member(org.id, "nv@a.vn")
    before = _roles(org.id)
    for target in (me.id, colleague.id):
        assert post(staff, f"{page}/thanh-vien/{target}/vai-tro", {"role": "owner"}, page).status_code == 403
        assert post(staff, f"{page}/thanh-vien/{target}/xoa", {}, page).status_code == 403
    assert _roles(org.id) == before
    assert 'name="role"' not in staff.get(page).get_data(as_text=True)  # no controls shown either


def test_another_organisations_member_ids_are_not_found(ctx, app):
    _owner, _staff, org, _page = _setup(app)
    rival, rival_org = _company(app, "chu@b.vn", OTHER_TAX, "Công ty B")
    rival_page = f"/to-chuc/{rival_org.id}"
    before = _roles(org.id)
    for target in [*before, 999999]:
        for action, data in (("vai-tro", {"role": "member"}), ("xoa", {})):
            answer = post(rival, f"{rival_page}/thanh-vien/{target}/{action}", data, rival_page)
            assert answer.status_code == 404, (target, action, answer.status_code)
    assert _roles(org.id) == before
    assert _roles(rival_org.id) == {_member(rival_org.id, "chu@b.vn").id: "owner"}


def test_an_invitation_to_either_login_of_an_account_is_accepted_once(ctx, app):
    from tests.factories import STAFF_PASSWORD, make_user
    from tests.helpers import sign_in
    from tests.org_helpers import invitation_id

    owner, org = _company(app, "chu@a.vn", TAX_CODE, "Công ty A")
    user = make_user("citizen", email="hai@a.vn", name="Hai Tên Đăng Nhập")
    user.phone = "0987654321"
    db.session.commit()
    page = f"/to-chuc/{org.id}"
    for login in ("hai@a.vn", "0987 654 321"):  # the phone as people type it
        assert invite(owner, org, login).status_code == 303
    assert {m.login for m in org.invitations} == {"hai@a.vn", "0987654321"}
    bad = post(owner, f"{page}/thanh-vien", {"login": "không phải email"}, page)
    assert bad.status_code == 422 and "Nhập địa chỉ email hoặc số di động" in bad.get_data(as_text=True)
    person = fresh_client(app)
    sign_in(person, user, STAFF_PASSWORD)
    html = person.get("/tai-khoan").get_data(as_text=True)
    assert html.count("/chap-nhan") == 2
    assert accept(person, org, "0987654321").status_code == 303
    db.session.expire_all()
    rows = db.session.execute(db.select(Membership).filter_by(organisation_id=org.id, role="member"))
    rows = rows.scalars()
    assert [(m.login, m.status, m.user_id) for m in rows] == [("0987654321", "active", user.id)]
    assert "/chap-nhan" not in person.get("/tai-khoan").get_data(as_text=True)
    assert invitation_id(org, "0987654321")
