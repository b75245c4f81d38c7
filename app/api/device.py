"""POST /api/v1/device/owners: which of a device's old records belong to the account signed in."""

from flask import jsonify, request
from flask_login import current_user

from app.api import bp
from app.services.dossiers import device


@bp.post("/device/owners")
def device_owners():
    """Answer which of the listed account ids is the signed-in account, and its device tag."""
    user = current_user if current_user.is_authenticated else None
    payload = request.get_json(silent=True)
    mine = device.own_accounts(payload if isinstance(payload, dict) else {}, user)
    return jsonify(owner=device.owner_tag(user.id) if user is not None else "", mine=mine)
