"""Intake from a form: the one path the citizen's apply form and counter intake both take.

Fields and files are judged in one round: every acceptable file is stored (content-addressed,
so storing it again costs nothing) even beside a bad one, and the answer names every field's
and every file's problem together. Only then is the dossier created, once, through
`submissions.create_dossier` — the step the JSON API (files first by PUT, then the manifest)
ends in too, so a dossier is made the same way whichever door it came through.
"""

from collections.abc import Callable

from app.models import Dossier, Procedure
from app.services.catalogue import procedures as catalogue
from app.services.dossiers import submissions
from app.services.files.receive import Upload, receive_each, refusal

Refs = dict[int, list[dict]]  # requirement id -> [{sha256, name, size}]


def file_from_form(proc: Procedure, uploads: list[Upload], kept: Refs, manifest: Callable[[Refs], dict],
                   client_id: str, *, stored: Callable[[Refs], None] = lambda refs: None,
                   **create) -> tuple[Dossier, bool]:
    """Store this submit's good files beside the `kept` ones, then create the dossier once.

    `kept` is updated in place with the newly stored files (the form shows them again if the
    dossier is refused); `stored` hears of them first, so the browser that sent them may name
    them on its next try. `manifest(kept)` builds the dossier's manifest from the form.
    Raises the refusal (every field's and file's problem) or a domain error; returns
    (dossier, created) as `create_dossier` does.
    """
    catalogue.check_open(proc)  # before any file is stored
    received = receive_each(uploads, proc.requirements, kept)
    stored(received.refs)
    for req_id, refs in received.refs.items():  # the same file chosen again counts once
        have = kept.setdefault(req_id, [])
        have.extend(r for r in refs if all(h["sha256"] != r["sha256"] for h in have))
    built = manifest(kept)
    if received.problems:
        raise refusal(built, received)
    return submissions.create_dossier(built, client_id, **create)
