"""The image store's client, shared by the pipeline's functions: blobs by key over HTTP (service image-store)."""
import json
import os
import urllib.request

STORE = os.environ.get("IMAGE_STORE_URL", "http://image-store")


def put(key, data, content_type):
    req = urllib.request.Request(f"{STORE}/blobs/{key}", data=data, method="PUT", headers={"Content-Type": content_type})
    with urllib.request.urlopen(req, timeout=10) as res:
        res.read()
    return f"{STORE}/blobs/{key}"


def get(key):
    with urllib.request.urlopen(f"{STORE}/blobs/{key}", timeout=10) as res:
        return res.read()


def put_json(key, value):
    return put(key, json.dumps(value).encode(), "application/json")
