"""Catalogue pages: browse by department and field, search without diacritics."""

from app.extensions import db
from tests.factories import make_agency, make_procedure


def seed(ctx):
    justice = make_agency()
    make_procedure(justice)
    health = make_agency("000.05.00.H40", "Sở Y tế")
    make_procedure(health, code="1.004567", name="Đăng ký hành nghề dược", field="Dược phẩm",
                   postal_allowed=False)
    return justice, health


def test_search_ignores_case_and_diacritics(client, ctx):
    seed(ctx)
    for query in ["ly lich tu phap", "LÝ LỊCH", "lý lịch tư pháp", "Ly  Lich"]:
        page = client.get("/thu-tuc", query_string={"q": query}).get_data(as_text=True)
        assert "Cấp Phiếu lý lịch tư pháp" in page, query
        assert "Đăng ký hành nghề dược" not in page


def test_search_d_matches_dj(client, ctx):
    seed(ctx)
    page = client.get("/thu-tuc", query_string={"q": "dang ky"}).get_data(as_text=True)
    assert "Đăng ký hành nghề dược" in page
    assert "1 thủ tục" in page


def test_filter_by_agency_and_field(client, ctx):
    justice, health = seed(ctx)
    page = client.get("/thu-tuc", query_string={"co-quan": health.id}).get_data(as_text=True)
    assert "Đăng ký hành nghề dược" in page and "Cấp Phiếu lý lịch" not in page
    page = client.get("/thu-tuc", query_string={"linh-vuc": "Lý lịch tư pháp"}).get_data(as_text=True)
    assert "Cấp Phiếu lý lịch" in page and "Đăng ký hành nghề dược" not in page


def test_htmx_request_gets_only_the_results_fragment(client, ctx):
    seed(ctx)
    response = client.get("/thu-tuc", query_string={"q": "duoc"},
                          headers={"HX-Request": "true", "HX-Target": "results"})
    html = response.get_data(as_text=True)
    assert html.lstrip().startswith('<section id="results"')
    assert "<html" not in html
    assert "HX-Request" in response.headers["Vary"]


def test_like_wildcards_in_search_are_literal(client, ctx):
    seed(ctx)
    page = client.get("/thu-tuc", query_string={"q": "%"}).get_data(as_text=True)
    assert "0 thủ tục" in page


def test_procedure_page_shows_documents_time_fee_and_return(client, ctx):
    seed(ctx)
    page = client.get("/thu-tuc/2.001417").get_data(as_text=True)
    assert "10 ngày làm việc" in page
    assert "200.000 đ" in page
    assert "Bản chụp căn cước" in page
    assert "bưu chính công ích" in page
    assert "sau 15 giờ" in page
    no_post = client.get("/thu-tuc/1.004567").get_data(as_text=True)
    assert "bưu chính công ích" not in no_post


def test_unknown_procedure_is_a_vietnamese_404(client, ctx):
    response = client.get("/thu-tuc/9.999999")
    assert response.status_code == 404
    assert "Không tìm thấy trang bạn cần" in response.get_data(as_text=True)


def test_seed_demo_loads_20_departments_and_40_procedures(runner, ctx):
    from app.models import Agency, Procedure

    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    agencies = db.session.execute(db.select(db.func.count()).select_from(Agency)).scalar_one()
    procedures = db.session.execute(db.select(db.func.count()).select_from(Procedure)).scalar_one()
    assert agencies == 21  # the centre and 20 departments
    assert procedures >= 40
    assert "Catalogue already loaded" in runner.invoke(args=["seed-demo", "--if-empty"]).output
