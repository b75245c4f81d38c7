"""Declarations: the blank form to print, and the printable page of one filled online."""

from io import BytesIO
from pathlib import Path

from flask import abort, redirect, render_template, send_file
from werkzeug.utils import safe_join

from app.citizen import bp
from app.citizen.access import dossier_or_404
from app.services.catalogue import procedures as catalogue
from app.services.dossiers import declarations

FORMS = Path(__file__).resolve().parent.parent / "data" / "forms"


@bp.get("/thu-tuc/<code>/to-khai/<int:requirement_id>/mau-trong.pdf")
def blank_declaration(code: str, requirement_id: int):
    """Send a requirement's blank form: the official one where the data has it, else drawn from its fields."""
    proc = catalogue.find_procedure(code) or abort(404)
    req = next((r for r in proc.active_requirements if r.id == requirement_id), None)
    if req is None or not (req.declaration or req.blank_form):
        abort(404)
    if req.blank_form.startswith("https://"):
        return redirect(req.blank_form)
    if req.blank_form:
        path = safe_join(str(FORMS), req.blank_form)
        if path is None or not Path(path).is_file():
            abort(404)
        return send_file(path, mimetype="application/pdf", as_attachment=True)
    response = send_file(BytesIO(declarations.blank(req)), mimetype="application/pdf",
                         as_attachment=True, download_name=f"mau-to-khai-{proc.code}-{req.id}.pdf")
    response.headers["Cache-Control"] = "public, max-age=3600"  # the same for everybody
    return response


@bp.get("/ho-so/<code>/to-khai/<int:requirement_id>")
def declaration_page(code: str, requirement_id: int):
    """Show a declaration filled online with this dossier as a printable page."""
    dossier = dossier_or_404(code)
    found = [(req, page) for req, page in declarations.for_dossier(dossier) if req.id == requirement_id]
    if not found:
        abort(404)
    req, page = found[0]
    return render_template("citizen/declaration.html", dossier=dossier, requirement=req, page=page)
