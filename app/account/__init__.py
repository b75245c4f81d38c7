"""Citizen and business accounts: register, my dossiers, claim, organisations."""

from flask import Blueprint

bp = Blueprint("account", __name__)

from app.account import organisation, views  # noqa: E402,F401
