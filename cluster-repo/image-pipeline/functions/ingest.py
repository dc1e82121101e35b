"""Takes an uploaded image (base64 in `image`) or draws one (`generate`: width, height, seed), stores the original."""
import base64
import hashlib
import io
import random

from PIL import Image, ImageDraw

import store


def draw(width, height, seed):
    """A real picture to work on: a gradient sky, a sun and some hills, different for every seed."""
    rnd = random.Random(seed)
    image = Image.new("RGB", (width, height))
    top, bottom = (rnd.randrange(60, 140), rnd.randrange(120, 200), 255), (255, rnd.randrange(150, 230), rnd.randrange(80, 160))
    pixels = ImageDraw.Draw(image)
    for y in range(height):
        t = y / max(1, height - 1)
        pixels.line([(0, y), (width, y)], fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom)))
    r = min(width, height) // 8
    cx, cy = rnd.randrange(r, width - r), rnd.randrange(r, height // 2)
    pixels.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(255, 230, 120))
    for _ in range(3):
        base = rnd.randrange(height // 2, height)
        pixels.polygon([(0, height), (rnd.randrange(width), base), (width, height)], fill=(rnd.randrange(30, 90), rnd.randrange(100, 160), rnd.randrange(30, 80)))
    return image


def handle(event, context):
    body = event.json or {}
    if "image" in body:
        data = base64.b64decode(body["image"])
    else:
        spec = body.get("generate", {})
        image = draw(int(spec.get("width", 1024)), int(spec.get("height", 768)), spec.get("seed", 1))
        out = io.BytesIO()
        image.save(out, format=spec.get("format", "JPEG"), quality=90)
        data = out.getvalue()
    key = hashlib.sha256(data).hexdigest()[:16]
    url = store.put(f"{key}/original", data, "application/octet-stream")
    return {"key": key, "original": url, "bytes": len(data)}
