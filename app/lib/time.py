"""One notion of time: naive UTC in the database, Vietnam time for people and deadlines."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    """Return the current time as naive UTC, the form every timestamp is stored in."""
    return datetime.now(UTC).replace(tzinfo=None)


def to_local(moment: datetime) -> datetime:
    """Turn a stored naive-UTC timestamp into Vietnam time."""
    return moment.replace(tzinfo=UTC).astimezone(VN)


def local_today() -> date:
    """Return today's date in Vietnam."""
    return datetime.now(VN).date()
