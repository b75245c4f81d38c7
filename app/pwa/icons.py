"""Draw the app icons (the same picture as static/icons/icon.svg) as PNGs with Pillow.

Run `python -m app.pwa.icons` after changing the drawing; the PNGs are committed, so the
server never draws anything at run time.
"""

from pathlib import Path

from PIL import Image, ImageDraw

BLUE, PAPER, FOLD, GREEN = (11, 83, 148), (255, 255, 255), (207, 224, 243), (30, 125, 50)
FOLDER = Path(__file__).resolve().parents[2] / "static" / "icons"
# (file name, pixels, maskable): "maskable" keeps the picture inside the central safe circle.
ICONS = [("icon-192.png", 192, False), ("icon-512.png", 512, False),
         ("icon-maskable-512.png", 512, True)]


def draw(size: int, maskable: bool = False) -> Image.Image:
    """Return the icon at `size` px; the drawing is made 4x larger and scaled down (anti-alias)."""
    big = size * 4
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    pen = ImageDraw.Draw(img)
    if maskable:  # the platform cuts its own shape: fill to the edges, shrink the picture
        pen.rectangle([0, 0, big, big], fill=BLUE)
        scale, offset = big / 64 * 0.9, big * 0.05
    else:
        pen.rounded_rectangle([0, 0, big - 1, big - 1], radius=big * 12 // 64, fill=BLUE)
        scale, offset = big / 64, 0.0

    def pt(x: float, y: float) -> tuple[float, float]:
        return offset + x * scale, offset + y * scale

    pen.polygon([pt(18, 16), pt(40, 16), pt(48, 24), pt(48, 48), pt(18, 48)], fill=PAPER)
    pen.polygon([pt(40, 16), pt(40, 24), pt(48, 24)], fill=FOLD)
    pen.line([pt(24, 33), pt(30, 39), pt(41, 27)], fill=GREEN, width=round(5 * scale), joint="curve")
    for x, y in (pt(24, 33), pt(41, 27)):  # round line caps
        r = 2.5 * scale
        pen.ellipse([x - r, y - r, x + r, y + r], fill=GREEN)
    return img.resize((size, size), Image.LANCZOS)


def write_all(folder: Path = FOLDER) -> list[Path]:
    """Write every icon in ICONS into `folder` and return the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, size, maskable in ICONS:
        path = folder / name
        draw(size, maskable).save(path, optimize=True)
        paths.append(path)
    return paths


if __name__ == "__main__":
    for p in write_all():
        print(p)
