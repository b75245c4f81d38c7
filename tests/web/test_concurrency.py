"""Concurrent submissions: codes stay unique and gap-free; one key never makes two dossiers.

Runs on whichever database the suite uses; CI runs it on PostgreSQL too, where the
requests really do overlap inside the database.
"""

import threading

from app.extensions import db
from app.models import Dossier
from tests.factories import jpeg_bytes, make_procedure, manifest, new_key
from tests.helpers import post_dossier, put_blob


def run_threads(target, n: int) -> None:
    barrier = threading.Barrier(n)

    def start(i):
        barrier.wait()  # release them all at once
        target(i)

    threads = [threading.Thread(target=start, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)


def test_fifty_concurrent_submissions_get_gap_free_codes(app, ctx):
    proc = make_procedure()
    a, b = jpeg_bytes(), jpeg_bytes(color=(9, 9, 9))
    browser = app.test_client()  # files count for the browser that sent them (files/claims.py)
    put_blob(browser, a)
    put_blob(browser, b)
    statuses = []
    bodies = [manifest(proc, [(0, a), (1, b)], fields={"purpose": f"Lần {i}", "copies": 1})
              for i in range(50)]

    def submit(i):
        tab = app.test_client()
        with tab.session_transaction() as s, browser.session_transaction() as s0:
            s.update(s0)
        statuses.append(post_dossier(tab, bodies[i], new_key()).status_code)

    run_threads(submit, 50)
    assert statuses == [201] * 50
    codes = sorted(db.session.execute(db.select(Dossier.code)).scalars())
    assert len(set(codes)) == 50
    assert [int(c.rsplit("-", 1)[1]) for c in codes] == list(range(1, 51))


def test_same_key_racing_makes_one_dossier(app, ctx):
    """One browser racing itself (two tabs, a double flush): the losers get the winner's code."""
    proc = make_procedure()
    a, b = jpeg_bytes(), jpeg_bytes(color=(9, 9, 9))
    browser = app.test_client()
    put_blob(browser, a)  # uploading the files first names the browser (citizen/sender.py)
    put_blob(browser, b)
    body, key = manifest(proc, [(0, a), (1, b)]), new_key()
    answers = []

    def submit(_i):
        tab = app.test_client()
        with tab.session_transaction() as s, browser.session_transaction() as s0:
            s.update(s0)
        r = post_dossier(tab, body, key)
        answers.append((r.status_code, r.json["code"]))

    run_threads(submit, 12)
    assert sorted(s for s, _c in answers) == [200] * 11 + [201]
    assert len({c for _s, c in answers}) == 1
    assert db.session.execute(db.select(db.func.count()).select_from(Dossier)).scalar_one() == 1
    # The number the losers briefly took was given back: the next dossier is -0002.
    other = post_dossier(browser, manifest(proc, [(0, a), (1, b)]), new_key())
    assert other.json["code"].endswith("-0002")
