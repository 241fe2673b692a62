"""Loopback stand-ins for ``GET https://api.heroku.com/schema``, for the tests of
the background schema fetch (nothing leaves 127.0.0.0/8)."""

from __future__ import annotations

import copy
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

__all__ = ["GatedSchema", "SchemaServer", "changed_schema"]


class SchemaServer:
    """``GET /schema`` on 127.0.0.1 with an ETag; ``hang`` never answers."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.etag = '"v1"'
        self.hang = False
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.release = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append((self.path, {k.lower(): v for k, v in
                                                   self.headers.items()}))
                if owner.hang:
                    owner.release.wait(15)
                    return
                if self.path != "/schema":
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.headers.get("If-None-Match") == owner.etag:
                    self.send_response(304)
                    self.send_header("ETag", owner.etag)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/schema+json")
                self.send_header("ETag", owner.etag)
                self.send_header("Content-Length", str(len(owner.data)))
                self.end_headers()
                self.wfile.write(owner.data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.release.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def changed_schema(data: bytes) -> bytes:
    """Today's schema with one attribute added, one retyped, one action removed and a
    stability change: what a revalidation might bring."""
    doc = json.loads(data)
    doc = copy.deepcopy(doc)
    app = doc["definitions"]["app"]
    app["properties"]["launch_code"] = {"type": ["string"], "description": "new"}
    app["definitions"]["maintenance"]["type"] = ["string"]
    app["stability"] = "development"
    stack = doc["definitions"]["stack"]
    stack["links"] = [link for link in stack["links"] if link.get("title") != "List"]
    return json.dumps(doc).encode()


class GatedSchema:
    """``GET /schema`` on 127.0.0.1 that answers only once ``gate`` is set."""

    def __init__(self, data: bytes, *, status: int = 200) -> None:
        self.data, self.status, self.etag = data, status, '"v1"'
        self.gate = threading.Event()
        self.requests: list[dict[str, str]] = []
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                owner.requests.append({k.lower(): v for k, v in self.headers.items()})
                owner.gate.wait(10)
                if self.headers.get("If-None-Match") == owner.etag:
                    self.send_response(304)
                    self.send_header("ETag", owner.etag)
                    self.end_headers()
                    return
                body = owner.data if owner.status == 200 else b'{"id": "x", "message": "no"}'
                self.send_response(owner.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("ETag", owner.etag)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.gate.set()
        self.httpd.shutdown()
        self.httpd.server_close()
