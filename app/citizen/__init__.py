"""Citizen pages: catalogue, apply, receipt, tracking."""

from flask import Blueprint

bp = Blueprint("citizen", __name__)

from app.citizen import apply, catalogue, postal, rating, result, sender, supplement, track  # noqa: E402,F401
