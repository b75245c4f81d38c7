"""Labelled photos of documents for the photo checks (static/js/photo-check.js).

    .venv/bin/python bench/photos/generate.py OUT_DIR [--seed 1] [--count 120]

No real citizens' photos can ship with the repository, so this draws them: a page of
Vietnamese text (a form, a certificate, an ID card, a clean scan) photographed on a table
under uneven light, with lens softness, sensor noise and JPEG, then spoilt the way phone
photos are spoilt. Each photo has one label:

    ok      sharp and well lit (also: dim but readable, a white scan, a card on a dark table)
    blurry  out of focus (Gaussian, sigma 3-7 px) or shaken (motion, 14-36 px)
    dark    under-exposed: even the paper is dark, and noisy as a phone at high ISO is
    bright  over-exposed and washed out: the paper clips to white, the text turns pale grey
    glare   one or two blown-out highlights (a lamp, the flash) over part of the page
    small   a readable page, but only 240-760 px on its long side (a chat-app thumbnail)

Blur is in pixels of a 1600 px photo (what photo.js sends), scaled to the photo's size.
The classes are drawn with a gap between them (an "ok" photo has at most 1 px of lens
blur, a "blurry" one at least 3 px); real photos form a continuum, so figures measured
here are an upper bound of what a phone will see. Deterministic: the same seed and count
give the same bytes. Writes OUT_DIR/<label>-<n>.jpg and OUT_DIR/labels.json.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

CLASSES = ("ok", "blurry", "dark", "bright", "glare", "small")
FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",  # these carry Vietnamese letters
         "/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf",
         "/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf")
BOLD = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"
WORDS = ("họ và tên ngày sinh nơi cư trú phường xã tỉnh Tây Ninh số định danh cá nhân "
         "quốc tịch Việt Nam dân tộc Kinh giới tính nam nữ quê quán nơi thường trú đề nghị "
         "cấp bản sao trích lục khai sinh đăng ký kết hôn hộ kinh doanh giấy chứng nhận "
         "quyền sử dụng đất mục đích số lượng bản ký ghi rõ người làm đơn cam đoan nội dung "
         "trên đây là đúng sự thật chịu trách nhiệm trước pháp luật ủy ban nhân dân").split()
HEADINGS = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")
TITLES = ("GIẤY KHAI SINH", "TỜ KHAI", "ĐƠN ĐỀ NGHỊ", "GIẤY CHỨNG NHẬN", "GIẤY XÁC NHẬN")


def font(path: str, size: int) -> ImageFont.FreeTypeFont:
    try:
        return ImageFont.truetype(path, size)
    except OSError:  # not Debian: Pillow's own font still draws text
        return ImageFont.load_default(size)


def noise_tile(rnd: random.Random, sigma: float, side: int = 192) -> Image.Image:
    """Sensor-like grey noise around 128, from the seeded generator (effect_noise is not)."""
    tile = Image.new("L", (side, side))
    tile.putdata([max(0, min(255, int(128 + rnd.gauss(0, sigma)))) for _ in range(side * side)])
    return tile


def add_noise(img: Image.Image, rnd: random.Random, sigma: float) -> Image.Image:
    tile = noise_tile(rnd, sigma)
    layer = Image.new("L", img.size)
    for y in range(0, img.height, tile.height):
        for x in range(0, img.width, tile.width):
            layer.paste(tile.rotate(90 * rnd.randrange(4)), (x, y))
    return ImageChops.add(img, Image.merge("RGB", (layer,) * 3), offset=-128)


def sentence(rnd: random.Random, n: int) -> str:
    return " ".join(rnd.choice(WORDS) for _ in range(n))


def document(rnd: random.Random, w: int, h: int, kind: str) -> Image.Image:
    """A sheet of paper (w x h) with text on it, as printed."""
    paper = tuple(rnd.randint(236, 250) - d for d in (0, 2, 8))
    sheet = Image.new("RGB", (w, h), paper)
    pen = ImageDraw.Draw(sheet)
    ink = (rnd.randint(10, 45),) * 3
    margin = int(w * rnd.uniform(0.07, 0.11))
    size = max(9, int(w * rnd.uniform(0.019, 0.026)))
    body = font(rnd.choice(FONTS), size)
    y = margin
    if kind == "card":  # an ID card: a photo box, a few large lines
        pen.rectangle([margin, margin, int(w * 0.3), h - margin], fill=(150, 160, 170))
        big = font(BOLD, int(h * 0.07))
        pen.text((int(w * 0.34), y), "CĂN CƯỚC", font=big, fill=(160, 20, 20))
        y += int(h * 0.14)
        small = font(rnd.choice(FONTS), int(h * 0.055))
        while y < h - margin - h * 0.06:
            pen.text((int(w * 0.34), y), sentence(rnd, rnd.randint(3, 5)), font=small, fill=ink)
            y += int(h * 0.09)
        return sheet
    head = font(BOLD, int(size * 1.15))
    for line in HEADINGS:
        tw = pen.textlength(line, font=head)
        pen.text(((w - tw) / 2, y), line, font=head, fill=ink)
        y += int(size * 1.7)
    title = font(BOLD, int(size * 1.8))
    line = rnd.choice(TITLES)
    pen.text(((w - pen.textlength(line, font=title)) / 2, y + size), line, font=title, fill=ink)
    y += int(size * 4.5)
    lead = rnd.uniform(1.5, 2.1)
    while y < h - margin - size * 3:
        if rnd.random() < 0.12:  # a blank line between paragraphs
            y += int(size * lead)
            continue
        text = sentence(rnd, rnd.randint(4, 14))
        while len(text) > 6 and pen.textlength(text, font=body) > w - 2 * margin:
            text = text.rsplit(" ", 1)[0]
        pen.text((margin, y), text, font=body, fill=ink)
        if rnd.random() < 0.25:  # a dotted line to fill in
            x0 = margin + pen.textlength(text, font=body) + size
            pen.line([x0, y + size, w - margin, y + size], fill=ink, width=1)
        y += int(size * lead)
    if rnd.random() < 0.5:  # a red stamp
        r = int(w * 0.09)
        cx, cy = int(w * rnd.uniform(0.55, 0.8)), int(h * rnd.uniform(0.75, 0.88))
        pen.ellipse([cx - r, cy - r, cx + r, cy + r], outline=(200, 30, 40), width=max(2, r // 12))
    return sheet


def table(rnd: random.Random, size: tuple[int, int], dark: bool) -> Image.Image:
    """What the page lies on: a smooth, uneven surface (wood, plastic, a dark cloth)."""
    if dark:
        base = (rnd.randint(20, 50),) * 3
    else:
        base = (rnd.randint(90, 170), rnd.randint(60, 130), rnd.randint(30, 90))
    light = Image.new("RGB", (6, 5))
    shades = [rnd.randint(-25, 25) for _ in range(30)]
    light.putdata([tuple(max(0, min(255, c + d)) for c in base) for d in shades])
    return light.resize(size, Image.BICUBIC)


def lighting(img: Image.Image, rnd: random.Random, low: float, high: float) -> Image.Image:
    """Multiply by a smooth light falloff between `low` and `high` (fractions of full light)."""
    light = Image.new("L", (4, 3))
    light.putdata([int(255 * rnd.uniform(low, high)) for _ in range(12)])
    light = light.resize(img.size, Image.BICUBIC)
    return ImageChops.multiply(img, Image.merge("RGB", (light,) * 3))


def exposure(img: Image.Image, gain: float, lift: float = 0.0, gamma: float = 1.0) -> Image.Image:
    """Brighten or darken as the camera's exposure would, clipping at white."""
    lut = [max(0, min(255, int(255 * ((v / 255) ** gamma) * gain + lift))) for v in range(256)]
    return img.point(lut * 3)


def motion_blur(img: Image.Image, length: float, angle: float) -> Image.Image:
    """Average copies shifted along one direction: a shaken hand."""
    steps = max(3, int(length / 2))
    dx, dy = math.cos(angle) * length, math.sin(angle) * length
    out = img
    for k in range(1, steps):
        t = k / (steps - 1) - 0.5
        shifted = img.transform(img.size, Image.AFFINE, (1, 0, dx * t, 0, 1, dy * t), Image.BILINEAR)
        out = Image.blend(out, shifted, 1 / (k + 1))
    return out


def glare(img: Image.Image, rnd: random.Random, spots: int) -> Image.Image:
    """Blown-out highlights: a bright core that clips, with a soft halo."""
    w, h = img.size
    layer = Image.new("L", (w // 8, h // 8), 0)
    pen = ImageDraw.Draw(layer)
    for _ in range(spots):
        rx = rnd.uniform(0.13, 0.24) * layer.width
        ry = rx * rnd.uniform(0.5, 1.2)
        cx, cy = rnd.uniform(0.3, 0.7) * layer.width, rnd.uniform(0.25, 0.75) * layer.height
        pen.ellipse([cx - rx, cy - ry, cx + rx, cy + ry], fill=255)
    halo = layer.filter(ImageFilter.GaussianBlur(layer.width * 0.04)).resize((w, h), Image.BICUBIC)
    halo = halo.point([min(255, int(v * 1.6)) for v in range(256)])  # the core clips
    return ImageChops.add(img, Image.merge("RGB", (halo,) * 3))


def scene(rnd: random.Random, kind: str, size: tuple[int, int]) -> Image.Image:
    """A photo of a document before anything went wrong, or a clean scan."""
    w, h = size
    if kind == "scan":  # a scanner app's output: white paper, black text, nothing around it
        sheet = document(rnd, w, h, "page")
        return exposure(sheet, 1.25, 10).filter(ImageFilter.GaussianBlur(0.4))
    dark = kind == "card" or rnd.random() < 0.3
    img = table(rnd, size, dark)
    if kind == "card":
        cw = int(w * rnd.uniform(0.55, 0.8))
        sheet = document(rnd, cw, int(cw * 0.63), "card")
    else:
        ph = int(h * rnd.uniform(0.86, 0.97))
        sheet = document(rnd, int(ph / 1.414), ph, "page") if h >= w else document(
            rnd, int(w * rnd.uniform(0.8, 0.92)), int(h * rnd.uniform(0.86, 0.97)), "page")
    sheet = sheet.convert("RGBA").rotate(rnd.uniform(-4, 4), Image.BICUBIC, expand=True)
    x = max(0, (w - sheet.width) // 2 + rnd.randint(-20, 20))
    y = max(0, (h - sheet.height) // 2 + rnd.randint(-20, 20))
    img.paste(sheet, (x, y), sheet)
    return lighting(img, rnd, 0.78, 1.0)


def photo(seed: int, index: int, label: str) -> tuple[bytes, dict]:
    """One labelled photo's JPEG bytes and how it was made."""
    rnd = random.Random(seed * 100_003 + index)
    portrait = rnd.random() < 0.7
    long_side = rnd.choice((1600, 1600, 2048, 1280))
    size = (long_side * 3 // 4, long_side) if portrait else (long_side, long_side * 3 // 4)
    kind = "page" if label != "ok" else rnd.choices(("page", "card", "scan", "dim"), (6, 2, 2, 2))[0]
    made = {"label": label, "kind": kind, "size": list(size)}
    img = scene(rnd, "page" if kind == "dim" else kind, size)
    px = long_side / 1600  # blur is drawn in pixels of a 1600 px photo, as photo.js sends it
    lens = rnd.uniform(0.3, 1.0) * px
    if label == "blurry" and rnd.random() < 0.5:
        made["focus_sigma"] = round(rnd.uniform(3.0, 7.0), 2)
        lens = made["focus_sigma"] * px
    if kind != "scan":
        img = img.filter(ImageFilter.GaussianBlur(lens))
    if label == "blurry" and "focus_sigma" not in made:
        made["motion_px"] = round(rnd.uniform(14, 36), 1)
        img = motion_blur(img, made["motion_px"] * px, rnd.uniform(0, math.pi))
    if kind == "dim":  # darker than ideal, still readable: must not be called dark
        made["gain"] = gain = round(rnd.uniform(0.5, 0.7), 2)
        img = exposure(img, gain)
    elif label == "dark":
        made["gain"] = gain = round(rnd.uniform(0.12, 0.3), 2)
        img = exposure(img, gain, gamma=rnd.uniform(1.0, 1.3))
    if kind != "scan":
        sigma = 9.0 if label == "dark" else rnd.uniform(3, 6)  # high ISO in the dark
        img = add_noise(img, rnd, sigma)
    if label == "bright":  # after the noise: what is over-exposed clips to plain white
        made["gain"] = gain = round(rnd.uniform(1.7, 2.6), 2)
        img = exposure(img, gain, lift=rnd.uniform(40, 90), gamma=rnd.uniform(0.6, 0.9))
    if label == "glare":  # after the noise: a saturated sensor reads plain white
        made["spots"] = spots = rnd.choice((1, 1, 2))
        img = glare(img, rnd, spots)
    if label == "small":
        side = rnd.randint(240, 760)
        scale = side / max(img.size)
        img = img.resize((round(img.width * scale), round(img.height * scale)), Image.LANCZOS)
        made["size"] = list(img.size)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=rnd.randint(80, 92))
    return buf.getvalue(), made


def generate(folder: Path, seed: int = 1, count: int = 120) -> list[dict]:
    """Write `count` photos (the classes in turn) into `folder`; return their labels."""
    folder.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in range(count):
        label = CLASSES[n % len(CLASSES)]
        data, made = photo(seed, n, label)
        name = f"{label}-{seed}-{n:03d}.jpg"
        (folder / name).write_bytes(data)
        rows.append({"file": name, "bytes": len(data), **made})
    (folder / "labels.json").write_text(json.dumps({"seed": seed, "photos": rows}, indent=1))
    return rows


def one(label: str, seed: int = 1, index: int = 0) -> bytes:
    """The JPEG bytes of one photo with this label (for tests)."""
    return photo(seed, index * len(CLASSES) + CLASSES.index(label), label)[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--count", type=int, default=120)
    args = parser.parse_args()
    rows = generate(args.out, args.seed, args.count)
    print(f"{len(rows)} photos in {args.out}")


if __name__ == "__main__":
    main()
