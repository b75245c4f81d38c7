"""What the phone found wrong with a document photo, as it travels with the file (issue 14).

static/js/photo-check.js judges each photo right after it is picked; a photo kept despite
the advice is sent with what was found (`issues`, most urgent first, and a few of the
figures behind it), so staff see it beside the document. Only ever advice: a photo is never
refused for it. A check that is not one of ours, or not the shape below, is refused whole
(422): the phone sends what this module names, nothing else is stored.
"""

import math

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate, validates

from app.lib.marks import N_
from app.schemas.bounded import Capped

# photo-check.js's names, in its order (the first is what the person was told).
CHECKS = ("small", "dark", "bright", "glare", "blurry")

# "Ảnh có thể <these> — người nộp vẫn gửi ảnh này."
WORDS = {
    "small": _l("quá nhỏ"),
    "dark": _l("quá tối"),
    "bright": _l("quá sáng"),
    "glare": _l("bị lóa"),
    "blurry": _l("bị mờ"),
}

BAD = {"invalid": N_("Số đo ảnh không hợp lệ."), "null": N_("Số đo ảnh không hợp lệ.")}


class Figure(fields.Float):
    """A JSON number as it was sent: no text, no true/false, no fraction where a whole one belongs."""

    def __init__(self, low: float, high: float, whole: bool = False):
        self.whole = whole
        super().__init__(load_default=None, allow_none=True, error_messages=BAD,
                         validate=validate.Range(min=low, max=high, error=N_("Số đo ảnh không hợp lệ.")))

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise self.make_error("invalid")
        if self.whole:
            if value != int(value):
                raise self.make_error("invalid")
            return int(value)
        return float(value)


class PhotoCheckSchema(Schema):
    """The check of one photo: what failed (none when it passed) and the figures it judged by."""

    class Meta:
        unknown = EXCLUDE  # a figure a newer phone adds is not kept, and refuses nothing

    error_messages = {"type": N_("Kết quả kiểm tra ảnh không hợp lệ.")}

    issues = Capped(
        fields.String(validate=validate.OneOf(CHECKS, error=N_("Không có phép kiểm tra ảnh này.")),
                      error_messages={"invalid": N_("Không có phép kiểm tra ảnh này.")}),
        most=len(CHECKS), too_many=N_("Quá nhiều lỗi ảnh."), required=True,
        error_messages={"required": N_("Kết quả kiểm tra ảnh không hợp lệ."),
                        "null": N_("Kết quả kiểm tra ảnh không hợp lệ."),
                        "invalid": N_("Kết quả kiểm tra ảnh không hợp lệ.")},
        metadata={"description": "what failed, most urgent first: " + ", ".join(CHECKS) + "; [] passed"},
    )
    # The photo's own size, in pixels, and the measures of photo-check.js (on its small copy).
    width = Figure(1, 100_000, whole=True)
    height = Figure(1, 100_000, whole=True)
    sharpness = Figure(0, 1_000)
    glare = Figure(0, 1)
    p50 = Figure(0, 255, whole=True)
    p95 = Figure(0, 255, whole=True)

    @validates("issues")
    def _once_each(self, value: list[str], **_):
        if len(set(value)) != len(value):
            raise ValidationError(N_("Quá nhiều lỗi ảnh."))

    def load(self, data, **kw):
        clean = super().load(data, **kw)
        # Stored as given, without the figures the phone did not send; issues in our order.
        clean["issues"] = [c for c in CHECKS if c in clean["issues"]]
        return {k: v for k, v in clean.items() if v is not None}


class PhotoChecked(Schema):
    """A sent file that may carry its phone's check (a `check` field of PhotoCheckSchema):
    absent or null where it was not checked (a PDF, the counter, an older phone's queued
    item), and then not stored."""

    @post_load
    def _unchecked(self, data: dict, **_):
        if data.get("check") is None:
            data.pop("check", None)
        return data


def note(check: dict | None) -> str:
    """What staff read beside a kept photo that failed a check; "" when it passed or was not checked."""
    issues = [c for c in CHECKS if c in ((check or {}).get("issues") or ())]
    if not issues:
        return ""
    return gettext("Ảnh có thể %(problems)s — người nộp vẫn gửi ảnh này.",
                   problems=", ".join(str(WORDS[c]) for c in issues))
