"""Plausible applicants (names, ID numbers and phones the app's own checks accept, addresses in
Tây Ninh) and values for a procedure's own fields."""

from __future__ import annotations

import random
from datetime import date, timedelta

SURNAMES = "Nguyễn Trần Lê Phạm Hoàng Huỳnh Phan Vũ Võ Đặng Bùi Đỗ Hồ Ngô Dương Lý".split()
MIDDLE = "Văn Thị Hữu Minh Thanh Ngọc Đức Quốc Thu Hoàng Kim Bảo".split()
GIVEN = ("An Bình Cường Dũng Giang Hà Hải Hạnh Hòa Hùng Hương Khánh Lan Linh Long Mai Nam Nga "
         "Phúc Phương Quân Quỳnh Sơn Tâm Thảo Trang Tuấn Vy Yến Châu Đạt Hiếu Nhung Tài").split()
STREETS = ["Lê Lợi", "Trần Hưng Đạo", "Nguyễn Huệ", "Cách Mạng Tháng Tám", "Hùng Vương",
           "30 Tháng 4", "Nguyễn Trãi", "Võ Văn Tần", "Nguyễn Chí Thanh", "Điện Biên Phủ"]
WARDS = ["phường Long An", "phường Tân An", "phường Tân Ninh", "phường Hòa Thành",
         "xã Gò Dầu", "phường Trảng Bàng", "xã Bến Lức", "xã Đức Hòa", "xã Cần Giuộc"]
PHONE_PREFIXES = ("032 033 034 035 036 037 038 039 056 058 070 076 077 078 079 081 082 083 "
                  "084 085 086 088 089 090 091 093 094 096 097 098").split()
ASCII = str.maketrans("àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ",
                      "aaaaaaaaaaaaaaaaadeeeeeeeeeeeiiiiiooooooooooooooooouuuuuuuuuuuyyyyy")


def fake_applicant(rnd: random.Random) -> dict:
    """A plausible applicant whose ID number and phone pass the app's own checks."""
    from app.lib.identity import check_personal_id, normalise_phone

    surname, middle, given = rnd.choice(SURNAMES), rnd.choice(MIDDLE), rnd.choice(GIVEN)
    while True:
        province = rnd.choice(["072", "072", "072", "080", "080", "079", "070", "074", "001"])
        year = rnd.randint(1950, 2006)
        female = middle == "Thị" or rnd.random() < 0.5
        century = (0 if year < 2000 else 2) + int(female)
        id_number = f"{province}{century}{year % 100:02d}{rnd.randrange(10**6):06d}"
        if check_personal_id(id_number) is None:
            break
    while True:
        phone = rnd.choice(PHONE_PREFIXES) + f"{rnd.randrange(10**7):07d}"
        if normalise_phone(phone) == phone:
            break
    email = ""
    if rnd.random() < 0.6:
        email = f"{given.lower().translate(ASCII)}.{surname.lower().translate(ASCII)}" \
                f"{rnd.randrange(100)}@gmail.com"
    address = f"{rnd.randint(1, 350)} {rnd.choice(STREETS)}, {rnd.choice(WARDS)}, tỉnh Tây Ninh"
    return {"name": f"{surname} {middle} {given}", "id_number": id_number, "phone": phone,
            "email": email, "address": address}


def fill_fields(declared: list[dict], rnd: random.Random, today: date) -> dict:
    """Values for a procedure's own fields that its validation accepts."""
    values: dict = {}
    for spec in declared:
        kind = spec.get("type", "text")
        if kind == "number":
            low = spec.get("min", 1)
            values[spec["name"]] = rnd.randint(low, max(low, min(spec.get("max", 5), 5)))
        elif kind == "date":
            values[spec["name"]] = (today - timedelta(days=rnd.randint(1, 900))).isoformat()
        elif kind == "select":
            values[spec["name"]] = rnd.choice(spec["choices"])
        elif kind == "textarea":
            values[spec["name"]] = f"{rnd.randint(1, 200)} {rnd.choice(STREETS)}, {rnd.choice(WARDS)}"
        else:
            values[spec["name"]] = rnd.choice(["Xin việc", "Bổ sung hồ sơ", "Du học", "Công ty TNHH "
                                               + rnd.choice(GIVEN) + " " + rnd.choice(SURNAMES)])
    return values


def manifest(procedure: dict, rnd: random.Random, today: date, photos: list[tuple[bytes, str]]) -> dict:
    """A submission's manifest for `procedure` ({code, requirements, form_fields}), one photo
    (data, sha256) per requirement, as the sync API takes it."""
    return {
        "procedure": procedure["code"], "applicant": fake_applicant(rnd),
        "fields": fill_fields(procedure["form_fields"], rnd, today),
        "documents": [{"requirement": req, "sha256": digest, "name": f"anh-{i + 1}.jpg"}
                      for i, (req, (_data, digest)) in enumerate(
                          zip(procedure["requirements"], photos, strict=False))],
        "return_method": "counter",
    }
