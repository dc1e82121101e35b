"""Makes a PNG thumbnail of the image in the body (at most 128x128), or says hello when there is none."""
import io

from PIL import Image


def handle(event, context):
    if not event.body:
        return {"hello": "POST an image to get its thumbnail", "revision": context.revision}
    image = Image.open(io.BytesIO(event.body))
    image.thumbnail((128, 128))
    out = io.BytesIO()
    image.save(out, format="PNG")
    context.logger.info("thumbnail %sx%s of a %s image", image.width, image.height, image.format or "PNG")
    return {"statusCode": 200, "headers": {"Content-Type": "image/png"}, "body": out.getvalue()}
