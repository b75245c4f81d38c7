"""Asking for the result by post: API with Idempotency-Key, plain two-step form, refusals."""

from app.extensions import db
from app.models import PostalRequest, StatusEvent
from tests.factories import VALID_ID, new_key
from tests.helpers import csrf_token
from tests.postal_helpers import (
    HANOI,
    TAY_NINH,
    TAY_NINH_WARD,
    dossier_with_token,
    post_postal,
    postal_body,
)


def test_api_registers_once_and_prices_from_the_table(ctx, client):
    dossier, token = dossier_with_token()
    key = new_key()
    first = post_postal(client, dossier.code, postal_body(token=token), key)
    assert first.status_code == 201, first.get_json()
    assert first.get_json()["fee"] == 25000 and first.get_json()["postal_state"] == "registered"
    again = post_postal(client, dossier.code, postal_body(token=token), key)
    assert again.status_code == 200
    other = post_postal(client, dossier.code, postal_body(token=token, street="khác"), key)
    assert other.status_code == 409 and other.get_json()["error"] == "idempotency_conflict"
    rows = db.session.execute(db.select(PostalRequest)).scalars().all()
    assert len(rows) == 1 and rows[0].province_code == TAY_NINH
    db.session.refresh(dossier)
    assert dossier.return_method == "post"
    notes = [e.note for e in db.session.execute(db.select(StatusEvent)).scalars()]
    assert any("bưu chính" in n for n in notes)


def test_api_authorises_like_supplements(ctx, client):
    dossier, _token = dossier_with_token()
    assert post_postal(client, dossier.code, postal_body(secret="0999999999")).status_code == 404
    assert post_postal(client, dossier.code, postal_body(secret=VALID_ID)).status_code == 201


def test_other_province_costs_more(ctx, client):
    dossier, token = dossier_with_token()
    hanoi_ward = 70  # Phường Hoàn Kiếm, Hà Nội
    answer = post_postal(client, dossier.code, postal_body(token=token, province=HANOI, ward=hanoi_ward))
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["fee"] == 35000


def test_excluded_procedure_refused_422(ctx, client):
    dossier, token = dossier_with_token(postal_allowed=False)
    answer = post_postal(client, dossier.code, postal_body(token=token))
    assert answer.status_code == 422
    assert answer.get_json()["details"]["direction"]
    assert db.session.execute(db.select(PostalRequest)).first() is None
    page = client.get(f"/ho-so/{dossier.code}/buu-chinh?t={token}").get_data(as_text=True)
    assert "không thực hiện qua dịch vụ bưu chính" in page and 'id="postal-form"' not in page


def test_ward_of_another_province_refused_422(ctx, client):
    dossier, token = dossier_with_token()
    answer = post_postal(client, dossier.code, postal_body(token=token, province=HANOI))
    assert answer.status_code == 422
    assert answer.get_json()["details"]["ward"] == ["Phường, xã này không thuộc tỉnh, thành phố đã chọn."]


def test_second_active_request_refused(ctx, client):
    dossier, token = dossier_with_token()
    assert post_postal(client, dossier.code, postal_body(token=token)).status_code == 201
    assert post_postal(client, dossier.code, postal_body(token=token)).status_code == 409


def test_plain_form_two_steps_then_status_page(ctx, client):
    dossier, token = dossier_with_token()
    page = client.get(f"/ho-so/{dossier.code}/buu-chinh?t={token}").get_data(as_text=True)
    assert 'name="province"' in page
    form = {"csrf_token": csrf_token(page), "client_id": new_key()} | {
        k: str(v) for k, v in postal_body().items()}
    # Without JS: choosing the province reloads the page with that province's wards.
    step = client.post(f"/ho-so/{dossier.code}/buu-chinh", data=form | {"action": "province", "ward": ""})
    assert "Xã Hưng Điền" in step.get_data(as_text=True)
    bad = client.post(f"/ho-so/{dossier.code}/buu-chinh", data=form | {"province": str(HANOI)})
    assert bad.status_code == 422 and "không thuộc tỉnh" in bad.get_data(as_text=True)
    preview = client.post(f"/ho-so/{dossier.code}/buu-chinh", data=form | {"action": "preview"})
    assert preview.status_code == 200 and "25.000" in preview.get_data(as_text=True)
    assert db.session.execute(db.select(PostalRequest)).first() is None  # not before confirming
    done = client.post(f"/ho-so/{dossier.code}/buu-chinh", data=form | {"action": "confirm"})
    assert done.status_code == 303
    status = client.get(f"/ho-so/{dossier.code}").get_data(as_text=True)
    assert 'data-postal-state="registered"' in status


def test_ward_options_fragment(client):
    html = client.get(f"/dia-gioi/phuong-xa?province={TAY_NINH}").get_data(as_text=True)
    assert f'value="{TAY_NINH_WARD}"' in html and "<html" not in html
    assert client.get("/dia-gioi/phuong-xa?province=999").get_data(as_text=True).count("<option") == 1


def test_openapi_describes_postal_requests(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/dossiers/{code}/postal-requests" in spec["paths"]
    assert "ward" in spec["components"]["schemas"]["PostalRequest"]["properties"]
