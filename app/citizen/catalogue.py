"""Browse and search the catalogue of procedures."""

from flask import abort, redirect, render_template, request, session, url_for

from app.citizen import bp
from app.lib.redirects import safe_path
from app.services.catalogue import procedures as catalogue
from app.services.catalogue import search as catalogue_search
from app.services.payments import fees


@bp.get("/")
def home():
    """Show the search box and the departments."""
    return render_template("citizen/home.html", agencies=catalogue.agencies_with_counts())


@bp.get("/thu-tuc")
def procedures():
    """List procedures, filtered by search words, department and field."""
    query = request.args.get("q", "").strip()[:200]
    agency_id = request.args.get("co-quan", type=int)
    field = request.args.get("linh-vuc", "").strip()
    found = catalogue.find(query, agency_id, field, limit=catalogue.SHOWN)
    context = dict(
        results=found.procedures, partial=found.partial, total=found.total, shown=catalogue.SHOWN,
        query=query, agency_id=agency_id,
        field=field, agencies=catalogue.agencies_with_counts(), fields=catalogue.fields(),
        search_terms=catalogue_search.terms(),
    )
    if request.htmx and request.htmx.target == "results":
        return render_template("citizen/_results.html", **context)
    return render_template("citizen/procedures.html", **context)


@bp.get("/thu-tuc/<code>")
def procedure(code: str):
    """Show one procedure: documents, time, fee and how results come back."""
    proc = catalogue.get_procedure(code) or abort(404)
    return render_template("citizen/procedure.html", procedure=proc, counter_only=fees.counter_only(proc))


@bp.get("/ngon-ngu/<lang>")
def language(lang: str):
    """Switch the interface language (Vietnamese or English)."""
    if lang in ("vi", "en"):
        session["lang"] = lang
    return redirect(safe_path(request.args.get("next")) or url_for("citizen.home"), 303)
