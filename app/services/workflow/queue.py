"""The staff queue: filter, search, count per status, sort by due date, paginate."""

import math
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, or_
from sqlalchemy.orm import joinedload, load_only

from app.extensions import db
from app.lib.identity import check_tax_code, normalise_phone
from app.lib.text import fold
from app.lib.time import VN
from app.models import Agency, Dossier, Procedure, Status
from app.services.sql import unindexed
from app.services.workflow import overdue
from app.services.workflow.deadlines import WorkCalendar

PER_PAGE = 25
FULL_CODE = re.compile(r"^[0-9A-Z.]+-\d{6}-\d{4}$")
CODE_TAIL = re.compile(r"^\d{6}-\d{4}$")  # YYMMDD-NNNN, what staff read off a receipt
CODE_DAY = re.compile(r"^\d{6}-?$")  # YYMMDD: every dossier received that day
BY_NAME = "by_name"


@dataclass
class Filters:
    status: str = "open"  # "open", "all" or one status code
    agency: int | None = None
    procedure: int | None = None
    channel: int | None = None
    overdue: bool = False
    soon: bool = False
    q: str = ""
    page: int = 1


@dataclass
class Page:
    rows: list[Dossier]
    total: int
    counts: dict[int, int] = field(default_factory=dict)
    page: int = 1
    pages: int = 1

    @property
    def open_count(self) -> int:
        """Dossiers still needing work (the default view)."""
        return sum(self.counts.get(s, 0) for s in Status.OPEN)

    @property
    def all_count(self) -> int:
        """Dossiers of every status."""
        return sum(self.counts.values())


def search_condition(q: str, agency_code: str = ""):
    """Match a dossier code (whole, its YYMMDD-NNNN tail, or its day), a phone, an ID, a
    business's tax code, or a name (a company's too: it is the applicant's name).

    Codes are matched exactly or by the day they encode, so the unique index on `code`
    (or the one on submitted_at) answers, never a scan of every code.
    """
    q = q.strip()[:100]
    compact = re.sub(r"[\s.\-()]", "", q)
    tax_code = _tax_code(q.replace(" ", ""))
    if compact.isdigit() and (phone := normalise_phone(compact)):
        # Ten digits can be both a mobile number and a tax code (03…, 05…): match either.
        return or_(Dossier.applicant_phone == phone, Dossier.tax_code == tax_code) if tax_code \
            else Dossier.applicant_phone == phone
    if tax_code:
        return Dossier.tax_code == tax_code
    if compact.isdigit() and len(compact) == 12:
        return Dossier.applicant_id_number == compact
    upper = q.upper().replace(" ", "")
    if FULL_CODE.match(upper):
        return Dossier.code == upper
    if CODE_TAIL.match(upper) and agency_code:
        return Dossier.code == f"{agency_code}-{upper}"
    if CODE_DAY.match(upper) and (day := _day(upper[:6])):
        start = datetime.combine(day, time(), VN).astimezone(UTC).replace(tzinfo=None)
        return Dossier.submitted_at.between(start, start + timedelta(days=1) - timedelta(microseconds=1))
    if re.fullmatch(r"[0-9A-Z.\-]*\d-[0-9\-]*", upper):  # another partial code: the slow way
        return Dossier.code.contains(upper, autoescape=True)
    return Dossier.search_name.contains(fold(q), autoescape=True).label(BY_NAME)


def _tax_code(text: str) -> str | None:
    """`text` if it is a valid tax code as stored (10 digits, or NNNNNNNNNN-NNN for a branch)."""
    # Only that shape: "YYMMDD-NNNN" is a code's tail, never read as a tax code.
    return text if check_tax_code(text) is None else None


def _day(yymmdd: str) -> date | None:
    try:
        return datetime.strptime(yymmdd, "%y%m%d").date()
    except ValueError:
        return None


def _conditions(f: Filters, scope_agency_id: int | None, today: date, cal: WorkCalendar,
                agency_code: str) -> list:
    """Every filter except status, which the per-status counts must ignore."""
    conds = []
    agency = scope_agency_id or f.agency
    if agency:
        conds.append(Dossier.agency_id == agency)
    if f.procedure:
        conds.append(Dossier.procedure_id == f.procedure)
    if f.channel:
        conds.append(Dossier.channel == f.channel)
    if f.overdue:
        conds.append(overdue.overdue_clause(today))
    if f.soon:
        conds.append(overdue.due_soon_clause(today, cal))
    if f.q.strip():
        conds.append(search_condition(f.q, agency_code))
    return conds


def _plain(column, by_name: bool):
    """Hide `column`'s indexes from SQLite's planner during a name search.

    SQLite cannot tell how rare a name is: to save a sort it walks the status or due-date
    index and reads the table row by row (a second on 200,000 dossiers), where finding the
    few matches first and sorting them takes tens of milliseconds.
    """
    return unindexed(column) if by_name else column


def statuses(f: Filters) -> tuple[int, ...]:
    """Return the status codes the status filter selects."""
    if f.status == "all":
        return tuple(int(s) for s in Status)
    if f.status.isdigit() and int(f.status) in {int(s) for s in Status}:
        return (int(f.status),)
    return tuple(sorted(int(s) for s in Status.OPEN))


def load(f: Filters, scope_agency_id: int | None, today: date, cal: WorkCalendar,
         agency_code: str = "", per_page: int = PER_PAGE) -> Page:
    """Return one page of the queue and the per-status counts for the other filters."""
    conds = _conditions(f, scope_agency_id, today, cal, agency_code)
    by_name = any(getattr(c, "name", None) == BY_NAME for c in conds)
    counts = dict(db.session.execute(
        db.select(Dossier.status, func.count()).where(*conds).group_by(_plain(Dossier.status, by_name))
    ).all())
    wanted = statuses(f)
    # The total comes from the counts: one query fewer on every page view.
    total = sum(counts.get(s, 0) for s in wanted)
    pages = max(1, math.ceil(total / per_page))
    page = min(max(1, f.page), pages)
    if f.status == "all":  # no condition at all: the due-date index then gives the order
        conds_rows = conds
    else:
        conds_rows = [Dossier.status.in_(wanted) if len(wanted) > 1 else Dossier.status == wanted[0], *conds]
    # Find the page's ids first (an index can often answer that alone), then load 25 rows.
    ids = list(db.session.execute(
        db.select(Dossier.id).where(*conds_rows)
        .order_by(_plain(Dossier.due_date, by_name), _plain(Dossier.id, by_name))
        .limit(per_page).offset((page - 1) * per_page)
    ).scalars())
    rows = list(db.session.execute(
        db.select(Dossier)
        .options(joinedload(Dossier.procedure).options(load_only(Procedure.code, Procedure.name)),
                 joinedload(Dossier.agency).options(load_only(Agency.name, Agency.short_name)))
        .where(Dossier.id.in_(ids)).order_by(Dossier.due_date, Dossier.id)
    ).scalars()) if ids else []
    return Page(rows=rows, total=total, counts=counts, page=page, pages=pages)
