"""Views parse, call a service, render (issue 11): no blueprint module builds or runs a query.

A page's reads go through named query functions in the service that owns the model
(services/catalogue/queries.py, services/dossiers/queries.py, services/accounts/queries.py,
workflow/deadlines.holidays_in, …). This reads the source of the blueprints and of app/web
(what they share) and fails on `db.select(...)`, `db.session.execute/scalar/scalars(...)`,
`db.paginate(...)`, a legacy `Model.query`, or `select` imported from SQLAlchemy. Fetching one
row by its primary key (`db.session.get`, `db.get_or_404`) stays allowed: it is not a query a
view composes.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The blueprints, and app/web (what they share: access checks, forms) which is of their layer.
BLUEPRINTS = ("citizen", "staff", "account", "postal_desk", "api", "verify", "web")

# Calls a view may not make, as dotted names.
FORBIDDEN = {"db.select", "db.session.execute", "db.session.scalar", "db.session.scalars", "db.paginate"}

# Places that must keep a query of their own, with the reason. Empty today: add
# "app/<blueprint>/<module>.py:<line>" only with a comment saying why a service cannot own it.
ALLOWED: set[str] = set()


def _dotted(node: ast.AST) -> str:
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _reads(path: Path, root: Path = ROOT) -> list[str]:
    """Each query the module writes itself, as "path:line what"."""
    found = []
    rel = path.relative_to(root)
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        what = None
        if isinstance(node, ast.Call) and _dotted(node.func) in FORBIDDEN:
            what = _dotted(node.func)
        elif (isinstance(node, ast.Attribute) and node.attr == "query"
              and isinstance(node.value, ast.Name) and node.value.id[:1].isupper()):
            what = f"{node.value.id}.query"
        elif (isinstance(node, ast.ImportFrom) and (node.module or "").startswith("sqlalchemy")
              and any(a.name == "select" for a in node.names)):
            what = "select from sqlalchemy"
        if what and f"{rel}:{node.lineno}" not in ALLOWED:
            found.append(f"{rel}:{node.lineno} {what}")
    return found


def test_no_view_module_runs_a_query_itself():
    modules = [p for name in BLUEPRINTS for p in sorted((ROOT / "app" / name).rglob("*.py"))]
    assert len(modules) > 20
    found = [hit for p in modules for hit in _reads(p)]
    assert found == [], "move the read into a named query function of the owning service"


def test_the_check_sees_each_kind_of_read(tmp_path):
    sample = tmp_path / "view.py"
    sample.write_text("from sqlalchemy import select\n"
                      "a = db.session.execute(db.select(Dossier))\n"
                      "b = Dossier.query.all()\n"
                      "c = db.session.get(Dossier, 1)\n", encoding="utf-8")
    assert sorted(_reads(sample, tmp_path)) == [
        "view.py:1 select from sqlalchemy", "view.py:2 db.select", "view.py:2 db.session.execute",
        "view.py:3 Dossier.query"]  # and not the primary-key get on line 4
