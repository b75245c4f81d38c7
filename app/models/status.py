"""The national status codes (1-10) and channel codes, with their Vietnamese labels."""

from enum import IntEnum

from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l


class Status(IntEnum):
    SUBMITTED = 1
    ACCEPTED = 2
    REFUSED = 3
    PROCESSING = 4
    SUPPLEMENT = 5
    AWAITING_PAYMENT = 6
    WITHDRAWAL_REQUESTED = 7
    STOPPED = 8
    RESOLVED = 9
    RETURNED = 10

    @property
    def label(self):
        return STATUS_LABELS[self]


# Named sets: a rule that asks "is it open, is the clock running, is it finished" uses one of
# these, never a list of numbers of its own (DOMAIN.md, "Statuses").
Status.FINISHED = frozenset({Status.RESOLVED, Status.RETURNED})  # the result is ready or handed over
Status.ENDED = frozenset({Status.REFUSED, Status.STOPPED, Status.RETURNED})  # nothing more happens
Status.OPEN = frozenset(Status) - Status.ENDED  # still needs someone's work
# Accepted and not stopped: the deadline counts (overdue, reports).
Status.COUNTED = frozenset(Status) - {Status.SUBMITTED, Status.REFUSED, Status.STOPPED}
# The processing clock runs (a supplement pauses it; a finished dossier has stopped it).
Status.CLOCK_RUNNING = frozenset({Status.ACCEPTED, Status.PROCESSING, Status.AWAITING_PAYMENT,
                                  Status.WITHDRAWAL_REQUESTED})

STATUS_LABELS = {
    Status.SUBMITTED: _l("Mới đăng ký"),
    Status.ACCEPTED: _l("Được tiếp nhận"),
    Status.REFUSED: _l("Không được tiếp nhận"),
    Status.PROCESSING: _l("Đang xử lý"),
    Status.SUPPLEMENT: _l("Yêu cầu bổ sung"),
    Status.AWAITING_PAYMENT: _l("Yêu cầu thực hiện nghĩa vụ tài chính"),
    Status.WITHDRAWAL_REQUESTED: _l("Công dân yêu cầu rút hồ sơ"),
    Status.STOPPED: _l("Dừng xử lý"),
    Status.RESOLVED: _l("Đã xử lý xong"),
    Status.RETURNED: _l("Đã trả kết quả"),
}


_LABEL_TEXTS: dict[str, dict[int, str]] = {}


def status_labels() -> dict[int, str]:
    """Every status's label as text in the current language, translated once per language.

    The tracking API sends a label per timeline entry; translating each lazily cost more
    than the database lookup.
    """
    locale = str(get_locale())
    texts = _LABEL_TEXTS.get(locale)
    if texts is None:
        with force_locale(locale):
            texts = {int(status): str(label) for status, label in STATUS_LABELS.items()}
        _LABEL_TEXTS[locale] = texts
    return texts


class Channel(IntEnum):
    COUNTER = 1
    ONLINE = 2
    POST = 3

    @property
    def label(self):
        return CHANNEL_LABELS[self]


CHANNEL_LABELS = {
    Channel.COUNTER: _l("Trực tiếp"),
    Channel.ONLINE: _l("Trực tuyến"),
    Channel.POST: _l("Bưu chính công ích"),
}
