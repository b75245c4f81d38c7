"""SQLAlchemy models, one module per aggregate."""

from app.models.blob import Blob
from app.models.catalogue import Agency, Procedure, Requirement
from app.models.dossier import Document, Dossier, StatusEvent
from app.models.holiday import Holiday
from app.models.integration import AgencyRequest, ApiToken, ChangeCounter, DossierChange
from app.models.notification import Notification
from app.models.organisation import Membership, Organisation, SavedAddress
from app.models.payment import BankAccount, BankCredit, Payment, StatementImport
from app.models.postal import PostalRequest
from app.models.rating import Level, Rating
from app.models.result import ResultSignature
from app.models.sequence import DailySequence
from app.models.session import UserSession
from app.models.status import Channel, Status
from app.models.supplement import SupplementRequest
from app.models.user import Role, User
from app.models.webhook import WebhookDelivery, WebhookSubscription

__all__ = [
    "Agency", "AgencyRequest", "ApiToken", "Blob", "ChangeCounter", "Channel", "DailySequence",
    "Document", "Dossier", "DossierChange", "Holiday", "Level", "Notification",
    "Membership", "Organisation", "PostalRequest", "Procedure", "Rating", "Requirement", "Role",
    "SavedAddress", "Status", "StatusEvent", "SupplementRequest", "User", "UserSession",
    "WebhookDelivery", "WebhookSubscription",
    "BankAccount", "BankCredit", "Payment", "StatementImport", "ResultSignature",
]
