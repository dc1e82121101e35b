"""Reads the stored original with Pillow: format, size, mode, and the EXIF tags it carries."""
import io

from PIL import ExifTags, Image

import store


def handle(event, context):
    key = event.json["key"]
    image = Image.open(io.BytesIO(store.get(f"{key}/original")))
    exif = {ExifTags.TAGS.get(tag, str(tag)): str(value)[:80] for tag, value in image.getexif().items()}
    return {"format": image.format, "width": image.width, "height": image.height, "mode": image.mode, "pixels": image.width * image.height, "exif": exif}
