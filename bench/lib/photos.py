"""Photos to upload: real JPEGs of about 300 KB, like a phone's after the page has resized them."""

from __future__ import annotations

import hashlib
import io
import random


def make_jpegs(count: int, rnd: random.Random, target: int = 300_000) -> tuple[list[tuple[bytes, str]], dict]:
    """`count` distinct real JPEGs of about `target` bytes: a 1280x960 phone-photo-like picture
    (gradients plus sensor-like noise), each stamped differently so every hash is new.
    Returns [(bytes, sha256 hex)] and a description (size, quality, bytes min/mean/max)."""
    from PIL import Image, ImageDraw

    size = (1280, 960)

    def base(amount: float) -> Image.Image:
        grads = [Image.linear_gradient("L").rotate(rnd.randrange(360)).resize(size),
                 Image.radial_gradient("L").resize(size),
                 Image.linear_gradient("L").transpose(Image.Transpose.ROTATE_90).resize(size)]
        return Image.merge("RGB", [Image.blend(g, Image.effect_noise(size, 64), amount)
                                   for g in grads])

    def encode(img: Image.Image) -> bytes:
        buf = io.BytesIO()
        img.save(buf, format="JPEG", quality=80)
        return buf.getvalue()

    low, high = 0.05, 0.6  # noise amount: more noise, bigger file
    for _ in range(10):
        mid = (low + high) / 2
        picture = base(mid)
        n = len(encode(picture))
        if abs(n - target) < target * 0.02:
            break
        low, high = (mid, high) if n < target else (low, mid)
    out, seen = [], set()
    while len(out) < count:
        img = picture.copy()
        draw = ImageDraw.Draw(img)
        x, y = rnd.randrange(size[0] - 200), rnd.randrange(size[1] - 60)
        draw.rectangle((x, y, x + 200, y + 60), fill=tuple(rnd.randrange(256) for _ in range(3)))
        draw.text((x + 8, y + 20), f"HS {len(out):05d} {rnd.getrandbits(32):08x}", fill=(0, 0, 0))
        data = encode(img)
        digest = hashlib.sha256(data).hexdigest()
        if digest not in seen:
            seen.add(digest)
            out.append((data, digest))
    sizes = [len(d) for d, _ in out]
    return out, {"width": size[0], "height": size[1], "quality": 80,
                 "bytes_min": min(sizes), "bytes_mean": round(sum(sizes) / len(sizes)),
                 "bytes_max": max(sizes)}
