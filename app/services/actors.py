"""Who acts on a dossier: a signed-in user, the applicant, or the system (postal, jobs)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.i18n import key_of, stored
from app.models import Dossier, User


@dataclass(frozen=True)
class Actor:
    kind: str  # user | citizen | api | system, as recorded in StatusEvent.actor_kind
    role: str  # a user's Role, or "citizen" / "system"
    id: int | None = None
    label: str = ""  # in Vietnamese, for whatever keeps it as text (a supplement request, a payment)
    agency_id: int | None = None
    # The label as a message (lazy_gettext) when the system wrote it: the timeline keeps its key,
    # so each reader reads it in their language (app/i18n.py). None: a person's name.
    message: object = None

    @classmethod
    def of(cls, user: User) -> "Actor":
        """Return the actor for a signed-in account."""
        return cls("user", user.role, user.id, user.name or user.email or "", user.agency_id)

    @classmethod
    def citizen(cls, dossier: Dossier) -> "Actor":
        """Return the applicant, proven by the code check or a signed link."""
        return cls.speaking("citizen", "citizen", None,
                            _l("Người nộp: %(name)s", name=dossier.applicant_name))

    @classmethod
    def system(cls, label) -> "Actor":
        """Return a non-person actor, e.g. the postal service integration (`label`: a message or text)."""
        return cls.speaking("system", "system", None, label)

    @classmethod
    def speaking(cls, kind: str, role: str, id_: int | None, label, agency_id: int | None = None) -> "Actor":
        """Return an actor whose label may be a message: kept in Vietnamese and as its key."""
        return cls(kind, role, id_, stored(label), agency_id, label if key_of(label)[0] else None)

    @property
    def said(self):
        """The label as the timeline keeps it: the message if there is one, else the text."""
        return self.message if self.message is not None else self.label

    def as_tuple(self) -> tuple[str, int | None, object]:
        """Return (kind, id, label), the form submissions.create_dossier takes (a message kept as one)."""
        return self.kind, self.id, self.said
