"""Stores what the pipeline learnt and made as one JSON record, and answers it: the URLs and the metadata."""
import store


def handle(event, context):
    body = event.json
    thumbnail, watermarked = body["derived"]
    record = {"key": body["key"], "original": body["original"], "thumbnail": thumbnail["url"], "watermarked": watermarked["url"], "metadata": body["meta"]}
    record["record"] = store.put_json(f"{body['key']}/record.json", record)
    return record
