"""The stored original at most 1024 pixels wide, with a translucent text stamped across its lower right corner."""
import io

from PIL import Image, ImageDraw, ImageFont

import store


def handle(event, context):
    key, text = event.json["key"], event.json.get("text", "minik8s")
    image = Image.open(io.BytesIO(store.get(f"{key}/original"))).convert("RGBA")
    image.thumbnail((1024, 1024))
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = ImageFont.load_default()
    scale = max(1, image.width // 200)
    box = draw.textbbox((0, 0), text, font=font)
    stamp = Image.new("RGBA", (box[2] + 4, box[3] + 4), (0, 0, 0, 0))
    ImageDraw.Draw(stamp).text((2, 2), text, font=font, fill=(255, 255, 255, 160))
    stamp = stamp.resize((stamp.width * scale, stamp.height * scale))
    layer.paste(stamp, (image.width - stamp.width - 10, image.height - stamp.height - 10), stamp)
    out = io.BytesIO()
    Image.alpha_composite(image, layer).convert("RGB").save(out, format="JPEG", quality=85)
    return {"url": store.put(f"{key}/watermarked.jpg", out.getvalue(), "image/jpeg"), "width": image.width, "height": image.height}
