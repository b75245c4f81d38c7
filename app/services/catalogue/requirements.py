"""The documents a procedure requires (thành phần hồ sơ): add, edit, reorder, retire, remove.

Documents already submitted point at their requirement, so a requirement that any
dossier used is never deleted: it is retired instead. A retired requirement is no longer
asked of new dossiers (forms, counter intake, validation) but stays, name and all, for the
documents sent under it, and can be brought back.
"""

from flask_babel import gettext as _

from app.extensions import db
from app.models import Document, Procedure, Requirement
from app.services.errors import InUse, NotFound


def _procedure(code: str) -> Procedure:
    proc = db.session.execute(db.select(Procedure).filter_by(code=code)).scalar_one_or_none()
    if proc is None:
        raise NotFound(_("Không tìm thấy thủ tục."))
    return proc


def get(code: str, requirement_id: int) -> tuple[Procedure, Requirement]:
    """Return the procedure and one of its requirements, or raise NotFound."""
    proc = _procedure(code)
    req = next((r for r in proc.requirements if r.id == requirement_id), None)
    if req is None:
        raise NotFound(_("Không tìm thấy thành phần hồ sơ."))
    return proc, req


def _renumber(proc: Procedure) -> None:
    for position, req in enumerate(proc.requirements):
        req.position = position


def add(code: str, name: str, mandatory: bool, types: list[str]) -> Requirement:
    """Append a requirement at the end of the procedure's list."""
    proc = _procedure(code)
    req = Requirement(name=name.strip(), mandatory=mandatory, accepted_types=",".join(types),
                      position=len(proc.requirements))
    proc.requirements.append(req)
    db.session.commit()
    return req


def update(code: str, requirement_id: int, name: str, mandatory: bool, types: list[str]) -> Requirement:
    """Change a requirement's name, whether it is mandatory and the file types it takes."""
    _proc, req = get(code, requirement_id)
    req.name, req.mandatory, req.accepted_types = name.strip(), mandatory, ",".join(types)
    db.session.commit()
    return req


def move(code: str, requirement_id: int, step: int) -> None:
    """Move a requirement one place up (step -1) or down (+1); at either end nothing moves."""
    proc, req = get(code, requirement_id)
    order = list(proc.requirements)
    i = order.index(req)
    j = i + step
    if 0 <= j < len(order):
        order[i], order[j] = order[j], order[i]
        for position, r in enumerate(order):
            r.position = position
        db.session.commit()


def uses(requirement_id: int) -> int:
    """Count the documents submitted for this requirement."""
    return db.session.execute(db.select(db.func.count()).select_from(Document)
                              .filter_by(requirement_id=requirement_id)).scalar_one()


def remove(code: str, requirement_id: int) -> None:
    """Delete a requirement no dossier has used; refuse, changing nothing, if one has."""
    proc, req = get(code, requirement_id)
    if n := uses(req.id):
        raise InUse(_("Không thể xóa “%(name)s”: đã có %(n)s giấy tờ trong hồ sơ nộp theo thành phần này. "
                      "Nếu không còn yêu cầu, hãy bấm “Ngừng yêu cầu”: hồ sơ mới không phải đính kèm, "
                      "hồ sơ đã nộp vẫn giữ giấy tờ.", name=req.name, n=n))
    proc.requirements.remove(req)  # delete-orphan: the row goes with it
    _renumber(proc)
    db.session.commit()


def set_active(code: str, requirement_id: int, active: bool) -> Requirement:
    """Retire a requirement from new dossiers (active False), or ask for it again (True)."""
    _proc, req = get(code, requirement_id)
    req.active = active
    db.session.commit()
    return req
