"""Load the demo catalogue and the holiday table."""

import json
from datetime import date
from pathlib import Path

import holidays

from app.extensions import db
from app.models import Agency, Holiday, Procedure, Requirement
from app.services.catalogue.procedures import search_text_for

DEMO_FILE = Path(__file__).resolve().parents[2] / "data" / "demo_catalogue.json"


def load_catalogue(path: Path = DEMO_FILE) -> tuple[int, int]:
    """Insert or update agencies and procedures from a catalogue file; return their counts."""
    data = json.loads(path.read_text(encoding="utf-8"))
    agencies: dict[str, Agency] = {}
    for row in [data["centre"] | {"is_centre": True}, *data["agencies"]]:
        agency = db.session.execute(
            db.select(Agency).filter_by(code=row["code"])
        ).scalar_one_or_none() or Agency(code=row["code"])
        agency.name = row["name"]
        agency.short_name = row.get("short_name", "")
        agency.address = row.get("address", "")
        agency.is_centre = row.get("is_centre", False)
        db.session.add(agency)
        agencies[agency.code] = agency
    for row in data["procedures"]:
        proc = db.session.execute(
            db.select(Procedure).filter_by(code=row["code"])
        ).scalar_one_or_none() or Procedure(code=row["code"])
        agency = agencies[row["agency"]]
        proc.name, proc.field, proc.agency = row["name"], row["field"], agency
        proc.description = row.get("description", "")
        proc.processing_time, proc.time_unit = row["processing_time"], row["time_unit"]
        proc.cutoff_hour, proc.fee = row.get("cutoff_hour"), row.get("fee", 0)
        proc.fee_at_submission = row.get("fee_at_submission", False)
        proc.online_level = row.get("online_level", "full")
        proc.postal_allowed = row.get("postal_allowed", True)
        proc.form_fields = row.get("fields", [])
        proc.search_text = search_text_for(proc, agency)
        if not proc.requirements:
            proc.requirements = [
                Requirement(position=i, name=r["name"], mandatory=r.get("mandatory", True),
                            accepted_types=",".join(r.get("types", ["pdf", "jpeg", "png"])))
                for i, r in enumerate(row["requirements"])
            ]
        _declarations(proc, row["requirements"])
        db.session.add(proc)
    db.session.commit()
    return len(data["agencies"]), len(data["procedures"])


def _declarations(proc: Procedure, rows: list[dict]) -> None:
    """Give each requirement its declaration and blank form from the data (by name: kept on reload)."""
    by_name = {r["name"]: r for r in rows}
    for req in proc.requirements:
        row = by_name.get(req.name)
        if row is not None:
            req.declaration = row.get("declaration")
            req.blank_form = row.get("blank_form", "")


def load_holidays(first_year: int, last_year: int) -> int:
    """Seed the holiday table from the `holidays` package (VN), keeping rows an admin edited."""
    vn = holidays.country_holidays("VN", years=range(first_year, last_year + 1))
    rows = {d: (name, False) for d, name in vn.items()}
    for d in vn.weekend_workdays:
        if first_year <= d.year <= last_year:
            rows[d] = ("Ngày làm việc bù", True)
    existing = set(db.session.execute(db.select(Holiday.day)).scalars())
    added = 0
    for d, (name, working) in sorted(rows.items()):
        if d not in existing:
            db.session.add(Holiday(day=d, name=name, is_working_day=working))
            added += 1
    db.session.commit()
    return added


def catalogue_is_empty() -> bool:
    return db.session.execute(db.select(Procedure.id).limit(1)).first() is None


def seed_demo() -> str:
    """Load everything a fresh installation needs to be tried out."""
    a, p = load_catalogue()
    this_year = date.today().year
    h = load_holidays(this_year - 2, this_year + 2)
    return f"{a} agencies, {p} procedures, {h} new holiday rows"
