"""The national portal adapter: records in the portal's shape, through the outbox, to a real receiver."""

import json
import re
from datetime import datetime

import pytest
from sqlalchemy import select

from app.extensions import db
from app.lib.time import VN, to_local
from app.models import WebhookDelivery
from app.services import workflow
from app.services.webhooks import delivery
from tests.agency_helpers import RECEPTION, department
from tests.factories import make_dossier
from tests.webhook_receiver import Receiver

STAMP = re.compile(r"^\d{14}$")
SYNC_FIELDS = {"MaHoSo", "MaTTHC", "TenTTHC", "MaCoQuan", "ChuHoSo", "SoDinhDanh", "SoDienThoai",
               "NgayTiepNhan", "NgayHenTra", "NgayKetThucXuLy", "TrangThaiHoSo", "HinhThuc"}
PROGRESS_FIELDS = {"MaHoSo", "TrangThaiHoSo", "NoiDungXuLy", "NguoiXuLy", "ThoiGianXuLy"}


@pytest.fixture
def portal(app):
    r = Receiver().start()
    app.config.update(NATIONAL_PORTAL_URL=r.url, NATIONAL_PORTAL_TOKEN="portal-token")
    yield r
    r.stop()


def drain():
    for _ in range(50):
        if delivery.deliver_batch() == (0, 0):
            return


def sent(receiver) -> list[dict]:
    return [json.loads(r.body) for r in receiver.got]


def test_off_unless_configured(ctx):
    _agency, proc = department()
    make_dossier(proc)
    assert db.session.execute(select(WebhookDelivery)).first() is None


def test_dossier_and_progress_in_the_portal_shape(ctx, portal):
    agency, proc = department()
    dossier = make_dossier(proc, channel=1)
    workflow.accept(dossier, RECEPTION, version=dossier.version)
    drain()
    got = sent(portal)
    assert [m["service"] for m in got] == ["DongBoHoSoMC", "DongBoHoSoMC", "CapNhatTienDoHoSoMC"]
    assert all(r.headers["authorization"] == "Bearer portal-token" for r in portal.got)
    first = got[0]["data"][0]
    assert SYNC_FIELDS <= set(first)
    assert (first["MaHoSo"], first["MaTTHC"], first["MaCoQuan"]) == (dossier.code, proc.code, agency.code)
    assert first["HinhThuc"] == 1 and first["TrangThaiHoSo"] == 1
    db.session.refresh(dossier)
    assert first["NgayTiepNhan"] == to_local(dossier.submitted_at).strftime("%Y%m%d%H%M%S")
    accepted = got[1]["data"][0]
    assert accepted["TrangThaiHoSo"] == 2 and STAMP.match(accepted["NgayTiepNhan"])
    assert STAMP.match(accepted["NgayHenTra"])
    assert accepted["NgayHenTra"].startswith(dossier.due_date.strftime("%Y%m%d"))
    assert accepted["NgayKetThucXuLy"] == ""
    step = got[2]["data"][0]
    assert PROGRESS_FIELDS <= set(step) and step["TrangThaiHoSo"] == 2 and step["NguoiXuLy"]
    moment = datetime.strptime(step["ThoiGianXuLy"], "%Y%m%d%H%M%S").replace(tzinfo=VN)
    assert abs((moment - datetime.now(VN)).total_seconds()) < 120  # Vietnam time, not UTC
    assert delivery.undelivered_portal() == []


def test_refusal_is_retried_and_shown_as_not_accepted(ctx, portal):
    _agency, proc = department()
    portal.answers.append((200, {"_body": '{"error_code": "-1", "message": "MaTTHC sai"}'}))
    make_dossier(proc)
    drain()
    [waiting] = delivery.undelivered_portal()
    assert waiting.attempts == 1 and "MaTTHC sai" in waiting.last_error
    waiting.next_attempt_at = waiting.created_at
    db.session.commit()
    drain()
    assert delivery.undelivered_portal() == [] and len(portal.got) == 2
