"""An error page always leaves a way on: a dossier link that is not (or no longer) yours, or that
does not exist, answers 404 with the way to a dossier that is: tracking by code and phone."""

import re

from flask import url_for

from tests.factories import make_dossier, make_procedure


def test_someone_elses_or_a_missing_dossier_link_points_to_tracking(app, client, ctx):
    dossier = make_dossier(make_procedure())
    with app.test_request_context():
        track = url_for("citizen.track_form")
        links = [url_for("citizen.status", code=dossier.code),  # not this browser's
                 url_for("citizen.status", code="000.00.00.H00-991231-9999")]  # no such dossier
    for link in links:
        answer = client.get(link)
        html = answer.get_data(as_text=True)
        assert answer.status_code == 404, link
        assert f'href="{track}">Tra cứu hồ sơ</a>' in _actions(html), link
        assert dossier.applicant_name not in html


def test_other_errors_do_not_offer_tracking(client):
    answer = client.post("/dang-nhap", data={})  # no CSRF token: 400
    assert answer.status_code == 400 and "Tra cứu hồ sơ" not in _actions(answer.get_data(as_text=True))


def _actions(html: str) -> str:
    """The error page's own buttons (the site's menu links to tracking on every page anyway)."""
    return re.search(r'<p class="row-actions">(.*?)</p>', html, re.S).group(1)
