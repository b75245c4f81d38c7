"""Who acts on a dossier: a signed-in user, the applicant, or the system (postal, jobs)."""

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.i18n import stored
from app.models import Dossier, User


@dataclass(frozen=True)
class Actor:
    kind: str  # user | citizen | api | system, as recorded in StatusEvent.actor_kind
    role: str  # a user's Role, or "citizen" / "system"
    id: int | None = None
    label: str = ""
    agency_id: int | None = None

    @classmethod
    def of(cls, user: User) -> "Actor":
        """Return the actor for a signed-in account."""
        return cls("user", user.role, user.id, user.name or user.email or "", user.agency_id)

    @classmethod
    def citizen(cls, dossier: Dossier) -> "Actor":
        """Return the applicant, proven by the code check or a signed link."""
        # Only ever stored (timeline, supplement requests): in Vietnamese, not the request's language.
        return cls("citizen", "citizen", None, stored(_l("Người nộp: %(name)s", name=dossier.applicant_name)))

    @classmethod
    def system(cls, label: str) -> "Actor":
        """Return a non-person actor, e.g. the postal service integration."""
        return cls("system", "system", None, label)

    def as_tuple(self) -> tuple[str, int | None, str]:
        """Return (kind, id, label), the form submissions.create_dossier takes."""
        return self.kind, self.id, self.label
