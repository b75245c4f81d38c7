"""Provinces and wards after the 07/2025 reform, from the `vietnam-provinces` package."""

from functools import cache

from vietnam_provinces import Province, ProvinceCode, Ward, WardCode

from app.lib.text import fold


@cache
def provinces() -> list[tuple[int, str]]:
    """Return (code, name) of the 34 provinces, sorted by name."""
    return sorted(((int(p.code), p.name) for p in Province.iter_all()), key=lambda p: fold(p[1]))


@cache
def wards(province_code: int) -> list[tuple[int, str]]:
    """Return (code, name) of a province's wards and communes; [] for an unknown province."""
    try:
        code = ProvinceCode(province_code)
    except ValueError:
        return []
    return sorted(((int(w.code), w.name) for w in Ward.iter_by_province(code)), key=lambda w: fold(w[1]))


def province_name(code: int) -> str:
    try:
        return Province.from_code(ProvinceCode(code)).name
    except ValueError:
        return ""


def ward_name(code: int) -> str:
    try:
        return Ward.from_code(WardCode(code)).name
    except ValueError:
        return ""


def ward_in_province(ward_code: int, province_code: int) -> bool:
    """Say whether the ward exists and belongs to that province."""
    try:
        return int(Ward.from_code(WardCode(ward_code)).province_code) == province_code
    except ValueError:
        return False


def full_address(street: str, ward_code: int, province_code: int) -> str:
    """Return the address as a label prints it: street, ward, province."""
    return ", ".join(p for p in (street, ward_name(ward_code), province_name(province_code)) if p)
