"""Many dossiers for the staff views, reports and the agency feed: years of them over the 20
departments with realistic statuses (no timelines), bulk-inserted, plus two officers to sign in."""

import hashlib
import random
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert

from app.extensions import db
from app.lib.text import fold
from app.lib.time import VN, local_today
from app.models import Agency, Dossier, Procedure, User
from app.services.accounts.passwords import hash_password
from app.services.catalogue import seed as demo
from app.services.workflow import deadlines
from bench.lib.people import SURNAMES

# Shorter lists than people.py's: they keep the data (and the searches measured on it) as it was.
STAFF_MIDDLE = "Văn Thị Hữu Minh Thanh Ngọc Quốc Thu Đức Hoài".split()
STAFF_GIVEN = ("An Bình Cường Dung Em Giang Hà Hải Hùng Lan Long Mai Minh Nam Oanh Phúc Quân Sơn Tâm "
               "Yến").split()
PASSWORD = "bench-password-123"
CHUNK = 5000


def _status(age_days: int, rng: random.Random) -> int:
    """Most old dossiers are returned; the last six weeks hold the open work."""
    r = rng.random()
    if age_days > 45:
        for status, share in ((10, .90), (3, .04), (8, .03), (9, .02)):
            if r < share:
                return status
            r -= share
        return rng.choice((4, 6))  # a few old ones still open: the overdue tail
    for status, share in ((1, .12), (2, .14), (4, .34), (5, .08), (6, .04), (7, .01), (9, .12)):
        if r < share:
            return status
        r -= share
    return 10


def _row(i: int, proc: Procedure, submitted: datetime, cal, rng: random.Random, seq: dict, agency_code: str):
    local = submitted.replace(tzinfo=UTC).astimezone(VN)
    day = local.date()
    seq[day] = seq.get(day, 0) + 1
    status = _status((local_today() - day).days, rng)
    name = f"{rng.choice(SURNAMES)} {rng.choice(STAFF_MIDDLE)} {rng.choice(STAFF_GIVEN)}"
    accepted = submitted + timedelta(hours=rng.randint(1, 30)) if status not in (1, 3) else None
    start = accepted or submitted
    start_local = start.replace(tzinfo=UTC).astimezone(VN).replace(tzinfo=None)
    due = deadlines.due_date(start_local, proc.processing_time, proc.time_unit, proc.cutoff_hour, cal)
    supplements = 2 if rng.random() < .01 else 1 if rng.random() < .06 else 0
    finished = returned = stopped_on = None
    if status in (9, 10):
        span = max(1, (due - start_local.date()).days)
        finished = start + timedelta(days=span * rng.uniform(.4, 1.15))
        stopped_on = finished.replace(tzinfo=UTC).astimezone(VN).date()
        returned = finished + timedelta(days=rng.randint(0, 5)) if status == 10 else None
    elif status == 5:
        supplements = max(supplements, 1)
        stopped_on = min(local_today(), start_local.date() + timedelta(days=rng.randint(1, 5)))
    return {
        "client_id": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "payload_hash": hashlib.sha256(str(i).encode()).hexdigest(),
        "code": f"{agency_code}-{day:%y%m%d}-{seq[day]:04d}",
        "procedure_id": proc.id, "agency_id": proc.agency_id,
        "applicant_name": name, "search_name": fold(name),
        "applicant_id_number": f"079{rng.randint(0, 3)}{rng.randint(0, 99):02d}{rng.randint(0, 999999):06d}",
        "applicant_phone": f"09{rng.randint(0, 99_999_999):08d}", "applicant_email": "",
        "applicant_address": "Phường Long An, tỉnh Tây Ninh", "applicant_kind": "citizen", "tax_code": "",
        "owner_id": None, "channel": rng.choices((1, 2, 3), weights=(35, 60, 5))[0], "status": status,
        "submitted_at": submitted, "accepted_at": accepted, "due_date": due, "finished_at": finished,
        "returned_at": returned, "return_method": rng.choice(("counter", "counter", "electronic", "post")),
        "form_data": {}, "clock_stopped_on": stopped_on, "supplement_count": supplements, "version": 1,
    }


def add_officers(*officers: tuple[str, str, str, int | None]) -> None:
    """Staff accounts (e-mail, name, role, agency id or None), all with PASSWORD."""
    password = hash_password(PASSWORD)
    db.session.add_all([User(email=email, name=name, role=role, agency_id=agency_id,
                             password_hash=password) for email, name, role, agency_id in officers])
    db.session.commit()


def seed(n: int, years: int = 2, seed_value: int = 20261127) -> dict:
    """Insert the catalogue, holidays, two officers and `n` dossiers; say what to search for."""
    demo.load_catalogue()
    today = local_today()
    demo.load_holidays(today.year - years, today.year + 1)
    cal = deadlines.load_calendar()
    procs = list(db.session.execute(db.select(Procedure)).scalars())
    rng = random.Random(seed_value)
    now = datetime.now(UTC).replace(tzinfo=None)
    span = years * 365 * 24 * 3600
    moments = sorted(now - timedelta(seconds=rng.randint(0, span)) for _ in range(n))
    seq: dict = {}
    rows, last = [], None
    for i, moment in enumerate(moments):
        rows.append(_row(i, rng.choice(procs), moment, cal, rng, seq, "000.00.00.H40"))
        if len(rows) == CHUNK or i == n - 1:
            db.session.execute(insert(Dossier), rows)
            last = rows[-1]
            rows = []
    db.session.commit()
    # Fresh statistics (and, on PostgreSQL, the visibility map that lets counts read only
    # the index), as autovacuum leaves them after a bulk load.
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("ANALYZE" if db.engine.dialect.name == "sqlite" else "VACUUM ANALYZE dossier")
    busiest = db.session.execute(
        db.select(Dossier.agency_id, db.func.count()).group_by(Dossier.agency_id)
        .order_by(db.func.count().desc()).limit(1)).first()[0]
    add_officers(("reception@bench", "Tiếp nhận", "reception", None),
                 ("department@bench", "Sở", "department", busiest))
    proc_id = db.session.execute(db.select(Procedure.id).filter_by(agency_id=busiest).limit(1)).scalar()
    return {"reception": "reception@bench", "department": "department@bench", "password": PASSWORD,
            "agency_id": db.session.get(Agency, busiest).id, "procedure_id": proc_id,
            "name": last["applicant_name"].split()[-2] + " " + last["applicant_name"].split()[-1],
            "phone": last["applicant_phone"], "code_tail": last["code"].split("-", 1)[1]}
