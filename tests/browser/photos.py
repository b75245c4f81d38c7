"""Camera-like 12-megapixel JPEGs for the browser tests and the benchmark.

No real photos ship with the repository, so this draws one: a sheet of paper with lines of
"text" on a table under uneven light, with sensor-like noise, saved the way a phone camera
saves (quality 92). That lands at about 4-5 MB, like a real 12 MP phone photo.
"""

import io
import random
from functools import cache

from PIL import Image, ImageChops, ImageDraw, ImageFilter

SIZE = (4000, 3000)  # 12 megapixels


@cache
def _noise(size: tuple[int, int]) -> Image.Image:
    return Image.effect_noise(size, 12).convert("RGB")


def camera_jpeg(seed: int = 1, size: tuple[int, int] = SIZE) -> bytes:
    """Return the JPEG bytes of one photo; each seed gives a different picture."""
    rnd = random.Random(seed)
    w, h = size
    light = Image.new("RGB", (16, 12))
    light.putdata([(rnd.randint(90, 150), rnd.randint(60, 110), rnd.randint(30, 70)) for _ in range(192)])
    img = light.resize(size, Image.BICUBIC)
    pen = ImageDraw.Draw(img)
    px, py = int(w * 0.12), int(h * 0.08)
    pen.rectangle([px, py, w - px, h - py], fill=(236, 234, 228))
    y = py + 120
    while y < h - py - 120:
        x = px + 120
        while x < w - px - 200:
            word = rnd.randint(40, 220)
            pen.rectangle([x, y, x + word, y + 26], fill=(rnd.randint(20, 60),) * 3)
            x += word + rnd.randint(18, 30)
        y += rnd.randint(60, 80)
    img = img.filter(ImageFilter.GaussianBlur(1.2))
    img = ImageChops.add(img, _noise(size), offset=-128)
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=92)
    return buf.getvalue()


def write_photos(folder, count: int, first_seed: int = 1) -> list:
    """Write `count` different photos into `folder` and return their paths."""
    paths = []
    for n in range(count):
        path = folder / f"IMG_{first_seed + n:04d}.jpg"
        if not path.exists():
            path.write_bytes(camera_jpeg(first_seed + n))
        paths.append(path)
    return paths
