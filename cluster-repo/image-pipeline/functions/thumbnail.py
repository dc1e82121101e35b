"""A PNG thumbnail of the stored original, at most `size` pixels (default 128) on its longer side."""
import io

from PIL import Image

import store


def handle(event, context):
    key, size = event.json["key"], int(event.json.get("size", 128))
    image = Image.open(io.BytesIO(store.get(f"{key}/original")))
    if image.width * image.height > 4_000_000:
        image.draft("RGB", (size * 4, size * 4))  # JPEG decodes at a fraction of its size: a big photo costs less
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return {"url": store.put(f"{key}/thumbnail.png", out.getvalue(), "image/png"), "width": image.width, "height": image.height}
