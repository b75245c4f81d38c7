"""Reading the catalogue: browse by agency and field, search without diacritics.

The public catalogue shows only what takes new dossiers: an active procedure of an active
agency. Dossiers already made keep their procedure and agency whatever happens to them.
"""

from typing import NamedTuple

from flask_babel import gettext as _
from sqlalchemy import func, or_
from sqlalchemy.orm import contains_eager, defer

from app.extensions import db
from app.lib.text import fold
from app.models import Agency, Procedure
from app.services.catalogue.search import Entry, parse, rank, sort_key, terms
from app.services.errors import Invalid


def _open():
    """Select the procedures that take new dossiers."""
    return (db.select(Procedure).join(Procedure.agency)
            .where(Procedure.active.is_(True), Agency.active.is_(True)))


# A search lists its best this many (a phone shows a few; more words narrow it down). The
# whole catalogue (no search) is listed in full: it is what the device searches offline.
SHOWN = 100


class Found(NamedTuple):
    """A search's answer: the procedures, best first, whether they have only some of the
    words, and how many were found in all (more than are listed when past `limit`)."""

    procedures: list[Procedure]
    partial: bool
    total: int


def find(query: str = "", agency_id: int | None = None, field: str = "", whole: bool = False,
         limit: int | None = None) -> Found:
    """Return the open procedures for a search, ranked by catalogue_search.rank.

    Every server reads the catalogue as it is now (for a search, one narrow query first), so
    an edit shows at once everywhere; folding the texts into words is cached by the text.
    Only what a list shows is loaded, unless `whole` (forms and descriptions too); a search
    loads its first `limit` only.
    """
    filters = [Procedure.active.is_(True), Agency.active.is_(True)]
    if agency_id:
        filters.append(Procedure.agency_id == agency_id)
    if field:
        filters.append(Procedure.field == field)
    if not query:
        stmt = _loading(whole).where(*filters)
        procedures = sorted(db.session.execute(stmt).unique().scalars(),
                            key=lambda p: (sort_key(p.name), p.code))
        return Found(procedures, False, len(procedures))
    table = terms()
    stmt = (db.select(Procedure.id, Procedure.code, Procedure.name, Procedure.field,
                      Agency.name.label("agency"), Agency.short_name)
            .join(Procedure.agency).where(*filters, _may_match(query, table)))
    rows = sorted(db.session.execute(stmt).all(), key=lambda r: (sort_key(r.name), r.code))
    entries = [Entry(r.code, r.name, r.field, f"{r.agency} {r.short_name}") for r in rows]
    order, partial = rank(query, entries, table)
    return Found(_load([rows[i].id for i in order[:limit]], whole), partial, len(order))


def _may_match(query: str, table: dict):
    """A cheap SQL condition every procedure the ranking could find meets (fewer rows to rank)."""
    words = {max(alt, key=len) for concept in parse(query, table) for alt in concept.alts}
    conditions = [Procedure.search_text.contains(w, autoescape=True) for w in sorted(words)]
    compact = fold(query).replace(" ", "")
    if len(compact) >= 3:
        conditions.append(Procedure.code.contains(compact, autoescape=True))
    return or_(*conditions) if conditions else db.false()


def _loading(whole: bool):
    """Select procedures with their agencies; for a list, without the heavy columns."""
    stmt = db.select(Procedure).join(Procedure.agency).options(contains_eager(Procedure.agency))
    if not whole:
        stmt = stmt.options(defer(Procedure.form_fields), defer(Procedure.description),
                            defer(Procedure.search_text))
    return stmt


def _load(ids: list[int], whole: bool) -> list[Procedure]:
    """Load these procedures, in this order."""
    if not ids:
        return []
    loaded = {p.id: p for p in db.session.execute(_loading(whole).where(Procedure.id.in_(ids)))
              .unique().scalars()}
    return [loaded[i] for i in ids if i in loaded]


def search(query: str = "", agency_id: int | None = None, field: str = "") -> list[Procedure]:
    """Return the open procedures for a search (or all of them), best match first, whole."""
    return find(query, agency_id, field, whole=True).procedures


def agencies_with_counts() -> list[tuple[Agency, int]]:
    """Return the active departments that have open procedures, with how many each has."""
    stmt = (
        db.select(Agency, func.count(Procedure.id))
        .join(Procedure, Procedure.agency_id == Agency.id)
        .where(Procedure.active.is_(True), Agency.active.is_(True))
        .group_by(Agency.id)
        .order_by(Agency.name)
    )
    return [(a, n) for a, n in db.session.execute(stmt).all()]


def fields() -> list[str]:
    """Return the distinct fields (lĩnh vực) of the open procedures."""
    stmt = _open().with_only_columns(Procedure.field).distinct().order_by(Procedure.field)
    return list(db.session.execute(stmt).scalars())


def get_procedure(code: str) -> Procedure | None:
    """Return the open procedure with this code, or None."""
    return db.session.execute(_open().where(Procedure.code == code)).scalar_one_or_none()


def find_procedure(code: str) -> Procedure | None:
    """Return the active procedure with this code even if its agency has stopped taking dossiers.

    A form drawn (or cached offline) before the agency closed is still answered with the
    reason (`check_open`), not with a page that vanished.
    """
    return db.session.execute(
        db.select(Procedure).filter_by(code=code, active=True)).scalar_one_or_none()


def check_open(procedure: Procedure) -> None:
    """Raise Invalid (422) if the procedure's agency no longer takes new dossiers."""
    if not procedure.agency.active:
        message = _("%(agency)s hiện không tiếp nhận hồ sơ mới cho thủ tục này. "
                    "Vui lòng liên hệ Trung tâm để biết nơi nộp hồ sơ.", agency=procedure.agency.name)
        raise Invalid(message, {"procedure": [message]})


def search_text_for(procedure: Procedure, agency: Agency) -> str:
    """Build the folded text a procedure is found by."""
    return fold(" ".join([procedure.code, procedure.name, procedure.field, agency.name,
                          agency.short_name]))
