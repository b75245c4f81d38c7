"""Validate the extra fields a procedure asks for (declared as data in Procedure.form_fields)."""

from datetime import date

from flask_babel import gettext as _


def validate_fields(declared: list[dict], values: dict, prefix: str = "fields"
                    ) -> tuple[dict, dict[str, list[str]]]:
    """Return (clean values, errors keyed "<prefix>.<name>") for a procedure's own fields.

    The same rules judge a declaration's fields (services/declarations.py), under its own prefix.
    """
    clean: dict = {}
    errors: dict[str, list[str]] = {}
    for spec in declared:
        name = spec["name"]
        raw = values.get(name)
        raw = raw.strip() if isinstance(raw, str) else raw
        if raw in (None, ""):
            if spec.get("required"):
                errors[f"{prefix}.{name}"] = [_("Vui lòng nhập thông tin này.")]
            continue
        value, problem = _convert(spec, raw)
        if problem:
            errors[f"{prefix}.{name}"] = [problem]
        else:
            clean[name] = value
    return clean, errors


def _convert(spec: dict, raw) -> tuple[object, str | None]:
    kind = spec.get("type", "text")
    if kind == "number":
        try:
            value = int(str(raw))
        except ValueError:
            return None, _("Vui lòng nhập một số nguyên.")
        if "min" in spec and value < spec["min"]:
            return None, _("Giá trị nhỏ nhất là %(n)s.", n=spec["min"])
        if "max" in spec and value > spec["max"]:
            return None, _("Giá trị lớn nhất là %(n)s.", n=spec["max"])
        return value, None
    if kind == "date":
        try:
            return date.fromisoformat(str(raw)).isoformat(), None
        except ValueError:
            return None, _("Ngày không hợp lệ (định dạng năm-tháng-ngày).")
    if kind in ("select", "choice"):
        if raw not in spec.get("choices", []):
            return None, _("Vui lòng chọn một giá trị trong danh sách.")
        return raw, None
    limit = min(spec.get("max_length") or 2000, 2000) if kind == "textarea" else \
        min(spec.get("max_length") or 500, 500)
    if not isinstance(raw, str) or len(raw) > limit:
        return None, _("Tối đa %(n)s ký tự.", n=limit)
    return raw, None
