"""What every blueprint shares about the person asking, below the blueprints and above services.

Who is asking (`current`: the signed-in account and what it files for; `sender`: the random
name this browser carries so a replay shows a dossier only to whoever sent it) and what an
officer may open (`staff_access`). A blueprint imports these, never another blueprint.
"""

SID = "sid"  # the session token's key in Flask's (signed) cookie


def register(app) -> None:
    """Name each browser before it sends anything (see sender.py)."""
    from app.web import sender

    app.after_request(sender.name_this_browser)
