"""A year of dossiers for the server benchmarks: migrations, the demo catalogue, then N dossiers
with their timelines, codes and daily sequences, bulk-inserted (10,000 in about 10 s).

Runs in the benchmark's own process on the app configured by the environment (DATABASE_URL...,
see serve.instance_env): the servers started afterwards find the data there.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import Counter
from datetime import UTC, datetime, timedelta

from bench.lib.people import fake_applicant, fill_fields

VN_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time
SUBMIT_PROCEDURE = "2.001417"  # Lý lịch tư pháp: three documents, all accepting JPEG
# The usual path 1 -> 2 -> 4 -> 9 -> 10, with who wrote each step.
LABELS = {1: ("citizen", "", "Nộp hồ sơ"), 2: ("user", "Cán bộ tiếp nhận", "Tiếp nhận hồ sơ"),
          3: ("user", "Cán bộ tiếp nhận", "Hồ sơ thiếu bản chụp căn cước"),
          4: ("user", "Chuyên viên phòng chuyên môn", "Chuyển xử lý"),
          5: ("user", "Chuyên viên phòng chuyên môn", "Bổ sung bản sao có chứng thực"),
          9: ("user", "Lãnh đạo phòng", "Đã ký duyệt kết quả"),
          10: ("user", "Cán bộ trả kết quả", "Đã trả kết quả")}


def seed_database(n_dossiers: int, rnd: random.Random, submit_procedure: str = SUBMIT_PROCEDURE) -> dict:
    """Migrate, load the demo catalogue, bulk-insert dossiers. Returns what the load needs:
    pairs (code, phone, ID number), counts, timings, the procedure to submit to
    ({code, requirements, form_fields}), the agency code and today (local)."""
    import flask_migrate
    from sqlalchemy import func, insert, select

    from app import create_app
    from app.extensions import db
    from app.models import DailySequence, Dossier, Procedure, StatusEvent
    from app.services.catalogue.seed import seed_demo
    from app.services.workflow import deadlines

    app = create_app()
    timings = {}
    with app.app_context():
        t0 = time.perf_counter()
        flask_migrate.upgrade()
        timings["migrate_s"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        seed_demo()
        timings["catalogue_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        agency_code = app.config["AGENCY_CODE"]
        procedures = db.session.execute(select(Procedure).filter_by(active=True)).scalars().all()
        cal = deadlines.load_calendar()
        today = (datetime.now(UTC) + VN_OFFSET).date()
        now_utc = datetime.now(UTC).replace(tzinfo=None)
        # Working days of the past year, oldest first; today is left to the live submissions.
        days = [today - timedelta(days=i) for i in range(365, 0, -1)]
        days = [d for d in days if cal.is_working_day(d)]
        per_day = Counter(rnd.choice(days) for _ in range(n_dossiers))

        dossiers, timelines, sequences, pairs = [], [], [], []
        for day in sorted(per_day):
            times = sorted(
                datetime.combine(day, datetime.min.time()) + timedelta(seconds=rnd.randint(
                    7 * 3600 + 1800, 17 * 3600)) for _ in range(per_day[day]))
            for number, local in enumerate(times, start=1):
                proc = rnd.choice(procedures)
                who = fake_applicant(rnd)
                code = f"{agency_code}-{day:%y%m%d}-{number:04d}"
                row, events = _dossier_row(rnd, proc, who, code, local, now_utc, today, cal, deadlines)
                dossiers.append(row)
                timelines.append(events)
                pairs.append((code, who["phone"], who["id_number"]))
            sequences.append({"agency_code": agency_code, "day": day, "last": per_day[day]})
        timings["generate_s"] = time.perf_counter() - t0

        t0 = time.perf_counter()
        with db.engine.begin() as conn:
            table = Dossier.__table__
            ids = conn.execute(
                insert(table).returning(table.c.id, sort_by_parameter_order=True), dossiers
            ).scalars().all()
            events = [e | {"dossier_id": i} for i, evs in zip(ids, timelines, strict=True) for e in evs]
            conn.execute(insert(StatusEvent.__table__), events)
            conn.execute(insert(DailySequence.__table__), sequences)
        timings["insert_s"] = time.perf_counter() - t0
        counts = {
            "dossiers": db.session.execute(select(func.count(Dossier.id))).scalar_one(),
            "status_events": db.session.execute(select(func.count(StatusEvent.id))).scalar_one(),
        }
        proc = db.session.execute(select(Procedure).filter_by(code=submit_procedure)).scalar_one()
        submit = {"code": proc.code, "requirements": [r.id for r in proc.requirements],
                  "form_fields": proc.form_fields}
        db.session.remove()
        db.engine.dispose()
    return {"pairs": pairs, "counts": counts, "timings": timings, "submit": submit,
            "agency_code": agency_code, "today": today}


def _path(rnd: random.Random, age: int, due, today) -> list[int]:
    """How far along the usual path this dossier has got, by its age and due date."""
    if age <= 2:
        path = rnd.choice([[1], [1, 2], [1, 2, 4]])
    elif due is not None and due >= today:
        path = rnd.choice([[1, 2], [1, 2, 4], [1, 2, 4], [1, 2, 4, 5]])
    else:
        path = rnd.choice([[1, 2, 4, 9], [1, 2, 4, 9, 10], [1, 2, 4, 9, 10], [1, 2, 4, 9, 10]])
    return [1, 3] if rnd.random() < 0.03 else path


def _dossier_row(rnd, proc, who, code, local, now_utc, today, cal, deadlines):
    """One dossier row and its timeline, with a status that fits its age."""
    submitted = local - VN_OFFSET
    due = deadlines.due_date(local, proc.processing_time, proc.time_unit, proc.cutoff_hour, cal)
    path = _path(rnd, (today - local.date()).days, due, today)
    events, at, previous, stamps = [], submitted, None, {}
    for status in path:
        if previous is not None:
            at = min(at + timedelta(hours=rnd.randint(2, 60)), now_utc - timedelta(minutes=5))
        kind, label, note = LABELS[status]
        events.append({"from_status": previous, "to_status": status, "actor_kind": kind,
                       "actor_id": None, "actor_label": label, "note": note, "created_at": at})
        stamps[status] = at
        previous = status
    row = {
        "client_id": str(uuid.UUID(int=rnd.getrandbits(128), version=4)),
        "payload_hash": f"{rnd.getrandbits(256):064x}", "code": code,
        "procedure_id": proc.id, "agency_id": proc.agency_id,
        "applicant_name": who["name"], "applicant_id_number": who["id_number"],
        "applicant_phone": who["phone"], "applicant_email": who["email"],
        "applicant_address": who["address"], "applicant_kind": "citizen", "tax_code": "",
        "owner_id": None, "channel": 2 if rnd.random() < 0.7 else 1, "status": path[-1],
        "submitted_at": submitted, "accepted_at": stamps.get(2), "due_date": due,
        "finished_at": stamps.get(9) or stamps.get(3), "returned_at": stamps.get(10),
        "return_method": "post" if proc.postal_allowed and rnd.random() < 0.2 else "counter",
        "form_data": fill_fields(proc.form_fields, rnd, today), "version": len(path),
    }
    return row, events
