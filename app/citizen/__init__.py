"""Citizen pages: catalogue, apply, receipt, tracking."""

from flask import Blueprint

bp = Blueprint("citizen", __name__)

from app.citizen import (  # noqa: E402,F401
    apply,
    catalogue,
    declaration,
    payment,
    postal,
    rating,
    result,
    supplement,
    track,
)
