"""The report page, its charts and exports, for leaders and admins only."""

import io
import zipfile

from tests.factories import make_user
from tests.fixtures import reference_month
from tests.helpers import fresh_client, sign_in

MONTH = {"tu": "2020-02-01", "den": "2020-02-29"}


def test_leader_sees_the_reference_month(app, ctx):
    reference_month.build()
    client = fresh_client(app)
    sign_in(client, make_user("leader"))
    page = client.get("/staff/bao-cao", query_string=MONTH).get_data(as_text=True)
    for figure in ("9415", "5732", "3975", "1716", "69.35 %", "29.93 %", "0.72 %", "99.28 %"):
        assert figure in page, figure
    assert "7 cơ quan có hồ sơ quá hạn" in page
    assert page.count("<svg") >= 2 and 'role="img"' in page  # charts drawn on the server
    assert "quy định chung" in page  # the counting rule is explained on the page


def test_exports(app, ctx):
    reference_month.build()
    client = fresh_client(app)
    sign_in(client, make_user("admin"))
    csv_body = client.get("/staff/bao-cao.csv", query_string=MONTH).get_data().decode("utf-8-sig")
    assert "Tổng cộng,9415,6276,3139,0,5732,3975,1716,41" in csv_body
    xlsx = client.get("/staff/bao-cao.xlsx", query_string=MONTH)
    assert xlsx.mimetype.endswith("spreadsheetml.sheet")
    with zipfile.ZipFile(io.BytesIO(xlsx.get_data())) as z:
        assert "xl/worksheets/sheet1.xml" in z.namelist()
        assert "5732" in z.read("xl/worksheets/sheet1.xml").decode()


def test_other_roles_may_not_read_reports(app, ctx):
    client = fresh_client(app)
    sign_in(client, make_user("reception"))
    assert client.get("/staff/bao-cao").status_code == 403
    assert client.get("/staff/bao-cao.csv").status_code == 403
    anonymous = fresh_client(app)
    assert anonymous.get("/staff/bao-cao").status_code == 302
