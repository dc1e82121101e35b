"""The minik8s function runtime: serves one function's calls over HTTP.

The node agent mounts the function's code read-only at $MINIK8S_CODE_DIR, as a symlink `current` to the
directory of the revision in force, which it swaps atomically when the code changes. Each call runs in a
worker process forked from this server (at most $MINIK8S_CONCURRENCY at once): a worker loads the handler
module from `current` and loads it again when the link points elsewhere, so a push takes effect on the next
call with nothing restarted. A call past $MINIK8S_TIMEOUT_SECONDS answers 504 and its worker is killed, so
the instance never stays wedged; an exception answers 500 with its type and message, the traceback goes to
the log. Every answer says which revision ran (X-Minik8s-Revision). A call that comes again with the same
X-Minik8s-Call-Id (Kafka delivering it once more after the gateway died mid-call) is answered as the first
time, without running the function again.
"""

import collections
import importlib.util
import json
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
import traceback
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

CODE_DIR = os.environ.get("MINIK8S_CODE_DIR", "/code")
HANDLER_FILE = os.environ.get("MINIK8S_HANDLER_FILE", "handler.py")
HANDLER_NAME = os.environ.get("MINIK8S_HANDLER_NAME", "handle")
FUNCTION_NAME = os.environ.get("MINIK8S_FUNCTION_NAME", "function")
NAMESPACE = os.environ.get("MINIK8S_FUNCTION_NAMESPACE", "default")
TIMEOUT_SECONDS = float(os.environ.get("MINIK8S_TIMEOUT_SECONDS", "30"))
CONCURRENCY = int(os.environ.get("MINIK8S_CONCURRENCY", "10"))
PORT = int(os.environ.get("PORT", "8080"))

REVISION_HEADER = "X-Minik8s-Revision"
CALL_ID_HEADER = "X-Minik8s-Call-Id"

logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
log = logging.getLogger("runtime")


def code_version():
    """(directory, revision) of the code in force: where `current` points, and the revision it holds."""
    target = os.path.realpath(os.path.join(CODE_DIR, "current"))
    try:
        with open(os.path.join(target, ".minik8s-revision.json")) as f:
            return target, json.load(f).get("revision", "unknown")
    except (OSError, ValueError):
        return target, "unknown"


class Event:
    """What a call carries: body (bytes), json (parsed when the content type says JSON), headers, method, query, path."""

    def __init__(self, req):
        self.body = req["body"]
        self.headers = req["headers"]
        self.method = req["method"]
        self.query = req["query"]
        self.path = req["path"]
        self.json = None
        if "json" in self.headers.get("content-type", "") and self.body:
            try:
                self.json = json.loads(self.body)
            except ValueError:
                self.json = None


class Context:
    """The call's id, the function's name and namespace, the revision, the deadline (epoch seconds) and a logger."""

    def __init__(self, call_id, revision, deadline):
        self.call_id = call_id
        self.function_name = FUNCTION_NAME
        self.namespace = NAMESPACE
        self.revision = revision
        self.deadline = deadline
        self.logger = logging.getLogger(f"{FUNCTION_NAME}[{call_id}]")

    def remaining_time(self):
        return max(0.0, self.deadline - time.time())


class Loaded:
    """The handler of one code directory; `load` is a no-op while the directory stays the same."""

    directory = None
    revision = "unknown"
    handler = None
    error = None

    @classmethod
    def load(cls):
        directory, revision = code_version()
        if directory == cls.directory:
            return
        cls.directory, cls.revision, cls.handler, cls.error = directory, revision, None, None
        try:
            path = os.path.join(directory, HANDLER_FILE)
            spec = importlib.util.spec_from_file_location(f"minik8s_fn_{uuid.uuid4().hex}", path)
            if spec is None or spec.loader is None:
                raise ImportError(f"cannot load {HANDLER_FILE}")
            module = importlib.util.module_from_spec(spec)
            # A folder's other modules import as siblings of the handler.
            sys.path[:] = [directory] + [p for p in sys.path if not p.startswith(CODE_DIR)]
            spec.loader.exec_module(module)
            handler = getattr(module, HANDLER_NAME, None)
            if not callable(handler):
                raise AttributeError(f"{HANDLER_FILE} defines no function {HANDLER_NAME}(event, context)")
            cls.handler = handler
            log.info("loaded %s:%s at revision %s", HANDLER_FILE, HANDLER_NAME, revision)
        except Exception as err:  # noqa: BLE001 — reported to every call until the code changes
            cls.error = (type(err).__name__, str(err), traceback.format_exc())


def as_response(value):
    """A handler's return value as (status, headers, body bytes)."""
    if isinstance(value, dict) and "statusCode" in value:
        status = int(value["statusCode"])
        headers = {str(k): str(v) for k, v in (value.get("headers") or {}).items()}
        body = value.get("body", b"")
        if isinstance(body, (bytes, bytearray)):
            return status, headers, bytes(body)
        if isinstance(body, str):
            headers.setdefault("Content-Type", "text/plain; charset=utf-8")
            return status, headers, body.encode()
        headers.setdefault("Content-Type", "application/json")
        return status, headers, json.dumps(body).encode()
    if isinstance(value, (bytes, bytearray)):
        return 200, {"Content-Type": "application/octet-stream"}, bytes(value)
    if isinstance(value, str):
        return 200, {"Content-Type": "text/plain; charset=utf-8"}, value.encode()
    return 200, {"Content-Type": "application/json"}, json.dumps(value).encode()


def run_call(req):
    """In a worker: load the code in force, call the handler, serialize what it returned."""
    Loaded.load()
    if Loaded.error:
        kind, message, trace = Loaded.error
        return {"revision": Loaded.revision, "error": (kind, message), "trace": trace}
    context = Context(req["call_id"], Loaded.revision, req["deadline"])
    try:
        status, headers, body = as_response(Loaded.handler(Event(req), context))
        return {"revision": Loaded.revision, "status": status, "headers": headers, "body": body}
    except Exception as err:  # noqa: BLE001 — the function's own error, answered as a 500
        return {"revision": Loaded.revision, "error": (type(err).__name__, str(err)), "trace": traceback.format_exc()}


def worker_main(conn):
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    while True:
        try:
            req = conn.recv()
        except EOFError:
            return
        conn.send(run_call(req))


class Worker:
    def __init__(self, ctx):
        self.conn, child = ctx.Pipe()
        self.process = ctx.Process(target=worker_main, args=(child,), daemon=True)
        self.process.start()
        child.close()

    def kill(self):
        self.process.kill()
        self.process.join(1)
        self.conn.close()


class Pool:
    """Up to CONCURRENCY worker processes; a call takes an idle one or forks a new one."""

    def __init__(self):
        self.ctx = multiprocessing.get_context("fork")
        self.idle = []
        self.lock = threading.Lock()
        self.slots = threading.BoundedSemaphore(CONCURRENCY)
        self.idle.append(Worker(self.ctx))

    def call(self, req, timeout):
        with self.slots:
            with self.lock:
                worker = self.idle.pop() if self.idle else None
            if worker is None or not worker.process.is_alive():
                worker = Worker(self.ctx)
            try:
                worker.conn.send(req)
                if not worker.conn.poll(timeout):
                    worker.kill()
                    return None
                result = worker.conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                worker.kill()
                return {"revision": code_version()[1], "error": ("WorkerDied", "the function's process exited during the call")}
            with self.lock:
                self.idle.append(worker)
            return result


class RecentCalls:
    """The answers of the last calls by call id. The gateway runs a queued call at least once: when it dies
    after the instance took a call and before the reply was on Kafka, the call comes again with its id. The
    repeat is answered from here (waiting for the first while it runs), so a side effect happens once."""

    def __init__(self, size):
        self.size = size
        self.lock = threading.Lock()
        self.entries = collections.OrderedDict()

    def answer(self, call_id, run):
        with self.lock:
            entry = self.entries.get(call_id)
            first = entry is None
            if first:
                entry = self.entries[call_id] = {"done": threading.Event(), "result": None}
                while len(self.entries) > self.size:
                    self.entries.popitem(last=False)
        if first:
            try:
                entry["result"] = run()
            finally:
                entry["done"].set()
        else:
            log.info("call %s: a repeat; answered as the first time", call_id)
            entry["done"].wait()
        return entry["result"]


RECENT = RecentCalls(int(os.environ.get("MINIK8S_RECENT_CALLS", "1000")))


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "minik8s-python"
    # Headers and body go out as two writes: with Nagle the body would wait for the caller's delayed ACK (40 ms).
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):  # access logs would drown the function's own
        pass

    def reply(self, status, headers, body, revision, call_id):
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header(REVISION_HEADER, revision)
        self.send_header(CALL_ID_HEADER, call_id)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def error(self, status, kind, message, revision, call_id):
        body = json.dumps({"error": kind, "message": message}).encode()
        self.reply(status, {"Content-Type": "application/json"}, body, revision, call_id)

    def handle_call(self):
        url = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        given_id = self.headers.get(CALL_ID_HEADER)
        call_id = given_id or uuid.uuid4().hex
        if url.path == "/_/ready":
            return self.reply(200, {"Content-Type": "text/plain"}, b"ok\n", code_version()[1], call_id)
        timeout = TIMEOUT_SECONDS
        req = {
            "call_id": call_id,
            "body": body,
            "headers": {k.lower(): v for k, v in self.headers.items()},
            "method": self.command,
            "query": dict(parse_qsl(url.query, keep_blank_values=True)),
            "path": url.path or "/",
            "deadline": time.time() + timeout,
        }
        def run():
            with ACTIVE:
                ACTIVE.calls += 1
            try:
                return POOL.call(req, timeout)
            finally:
                with ACTIVE:
                    ACTIVE.calls -= 1
                    ACTIVE.notify_all()

        result = RECENT.answer(given_id, run) if given_id else run()
        if result is None:
            log.warning("call %s: timed out after %ss; its process was killed", call_id, timeout)
            return self.error(504, "Timeout", f"the function did not answer within {timeout:g} s", code_version()[1], call_id)
        if "error" in result:
            kind, message = result["error"]
            if result.get("trace"):
                sys.stderr.write(f"call {call_id} failed:\n{result['trace']}")
            return self.error(500, kind, message, result["revision"], call_id)
        self.reply(result["status"], result["headers"], result["body"], result["revision"], call_id)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = handle_call


class Active(threading.Condition):
    """Calls being served: a stopping instance finishes them before it exits."""

    calls = 0


ACTIVE = Active()


def stop(server):
    """SIGTERM: take no new connections, let the calls in flight finish (within the pod's grace period), exit."""
    server.shutdown()
    with ACTIVE:
        ACTIVE.wait_for(lambda: ACTIVE.calls == 0, timeout=float(os.environ.get("MINIK8S_DRAIN_SECONDS", "1.5")))
    os._exit(0)


if __name__ == "__main__":
    # Listening first: a cold start's call is accepted into the backlog at once and served when the loading is done,
    # instead of being refused and retried by the gateway.
    server = ThreadingHTTPServer(("0.0.0.0", PORT), Handler)
    server.daemon_threads = True
    # Loaded before the first worker forks, so workers start with the module already imported.
    Loaded.load()
    POOL = Pool()
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=stop, args=(server,)).start())
    log.info("serving %s/%s on :%d (concurrency %d, timeout %gs)", NAMESPACE, FUNCTION_NAME, PORT, CONCURRENCY, TIMEOUT_SECONDS)
    server.serve_forever()
