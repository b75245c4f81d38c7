"""Admin: a secret issued to an agency from its form and shown once, on the page itself.

API tokens (admin_tokens.py) and webhook subscriptions (admin_webhooks.py) share the form:
the agency, one text (the token's name, the endpoint's URL) and the boxes ticked (scopes,
events). The secret is rendered in the answer to the POST, never put in a cookie or a redirect.
"""

from collections.abc import Callable

from flask import request
from flask_login import current_user

from app.services.errors import DomainError


def issue_from_form(render: Callable, make: Callable, text: str, ticked: str, fresh: dict):
    """Call `make(agency_id, text, ticked, created_by)` with the form's values; render its secret.

    Refused (a DomainError): the page again with what was typed and the service's messages,
    at the error's status. Issued: a fresh form (`fresh`) and the secret, once.
    """
    values = {"agency_id": request.form.get("agency_id", ""), text: request.form.get(text, ""),
              ticked: request.form.getlist(ticked)}
    try:
        issued = make(request.form.get("agency_id", type=int), values[text], values[ticked],
                      current_user.email or current_user.name)
    except DomainError as exc:
        return render(values, exc.details or {}, exc.status, exc.message)
    return render(fresh, {}, issued=issued)
