"""The sandbox as one raw ASGI application: the protocol around the handlers.

Per request, in order: ``Accept`` (400 ``missing_version`` without a version, as
today's API answers; 406 for a version it does not serve), ``GET /schema`` (no token needed, as on
the real API), the token (401), a declared ``Content-Length`` over the cap (413),
and only then the body, counted while it is read (413 past
:data:`~heroku_explorer.sandbox.bodies.MAX_BODY`, 408
when it trickles in slower than ``body_timeout``); then the token pool (429; the
rate-limit endpoint is free), the route (404), the body's type and JSON (415 /
400 / 422), ``If-Match`` (412), the handler, then the representation: ``ETag``,
``If-None-Match`` (304) and ``Range`` on lists (206 / 416). Every answer carries
``Request-Id`` and ``RateLimit-Remaining``.

An answer given before a body the client announced was read (401, 413...) says
``Connection: close``: the server closes the connection instead of reading the
rest. Routes are matched on the raw path (see :mod:`heroku_explorer.sandbox.routes`).
Outside text never breaks an answer: header values are decoded as UTF-8 (else
Latin-1) and control characters in a header the sandbox writes are
percent-escaped.
"""

from __future__ import annotations

import asyncio
import base64
import hmac
import random
import sys
import time
import traceback
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import heroku_explorer.sandbox.lifecycles as lifecycles
import heroku_explorer.sandbox.presets as presets
import heroku_explorer.sandbox.streams as streams
from heroku_explorer import protocol
from heroku_explorer.protocol import HeaderName
from heroku_explorer.sandbox.bodies import (
    MAX_BODY,
    check_content_type,
    choose_route,
    invalid_params,
    parse_body,
    too_large,
)
from heroku_explorer.sandbox.handlers import Engine, Outcome, Problem
from heroku_explorer.sandbox.paging import RangeError, paginate
from heroku_explorer.sandbox.rate import RatePool
from heroku_explorer.sandbox.routes import Route, Router
from heroku_explorer.sandbox.seed import Factory, seed_store
from heroku_explorer.sandbox.served_schema import schema_source
from heroku_explorer.sandbox.store import Record, Store, encode
from heroku_explorer.sandbox.validate import ParamError
from heroku_explorer.sandbox.wire import (
    Receive,
    Scope,
    Send,
    header_bytes,
    lifespan,
    raw_path,
    request_headers,
)
from heroku_explorer.schema.model import ApiSpec

__all__ = ["BODY_TIMEOUT", "SANDBOX_TOKEN", "SandboxApp", "create_app"]

#: The token the sandbox accepts unless told otherwise: clearly not a real one.
SANDBOX_TOKEN = "sandbox-token"
_BODY_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
_JSON = b"application/json; charset=utf-8"
#: Seconds a whole request body may take to arrive.
BODY_TIMEOUT = 30.0
_Answer = tuple[int, list[tuple[str, str]], bytes]
#: Heroku's words for a path no endpoint serves.
_NO_ROUTE = ("The requested API endpoint was not found. Are you using the right HTTP verb "
             "(i.e. GET vs. POST), and did you set your Accept header properly?")


class SandboxApp:
    """A stateful Heroku Platform API built from ``spec``; an ASGI callable."""

    def __init__(self, spec: ApiSpec, *, token: str = SANDBOX_TOKEN, seed: int = 0,
                 state_path: str | Path | None = None, rate_limit: int = 1200,
                 rate_refill_per_hour: float | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 schema_bytes: bytes | None = None, max_body: int = MAX_BODY,
                 body_timeout: float = BODY_TIMEOUT) -> None:
        self.spec = spec
        self.token = token
        #: Bodies over this many bytes are answered 413 without being read further.
        self.max_body = max_body
        self.body_timeout = body_timeout
        self.seed = seed
        self.router = Router(spec)
        self.store = Store(state_path)
        if self.store.count() == 0:
            self.factory = seed_store(self.store, self.router, seed)
        else:  # restored state: the seed only shapes objects made from now on
            self.factory = Factory(self.router, self.store, random.Random(seed), seed)
        made_for = self.store.meta("schema")
        #: A sentence for the person serving, when restored state came from another schema.
        self.state_note: str | None = None
        if made_for and made_for not in (spec.source.sha256, spec.source.origin):
            self.state_note = (f"the state in {state_path} was made from another schema; "
                               "objects may lack newer fields")
        self.engine = Engine(self.router, self.store, self.factory)
        self.rate = RatePool(rate_limit, rate_refill_per_hour, clock)
        self.schema_bytes = schema_bytes if schema_bytes is not None else schema_source(spec)
        self._deprecated = set(presets.DEPRECATED_STACKS)
        stack_key = self.factory.resource_for("stack")
        self._stack_key = stack_key
        if stack_key is not None:
            self._deprecated.update(
                str(r.data.get("name")) for r in self.store.records(stack_key)
                if r.data.get("state") == "deprecated")

    # -- helpers for tests and benchmarks -------------------------------------

    def populate(self, resource: str, count: int, *, parent: str | None = None
                 ) -> list[dict[str, Any]]:
        """Add ``count`` generated objects of ``resource`` (under the object ``parent``
        names, by id or name, when the resource is nested) and return them."""
        res = self.spec.resource(resource)
        if res is None:
            raise KeyError(resource)
        scope: dict[str, str] = {}
        parent_keys = sorted(self.engine.parent_keys.get(res.key, frozenset()))
        if parent_keys:
            pkey = parent_keys[0]
            found = None if parent is None else self.engine.find(pkey, parent, ("id", "name"), {})
            if found is None and parent is None:
                found = next(iter(self.store.records(pkey)), None)
            if found is None:
                raise KeyError(f"no {pkey} to put {resource} under")
            scope = {pkey: found.id, **found.parents}
        out = []
        with self.store.transaction():
            for _ in range(count):
                data = self.factory.make(res, scope)
                rec = Record(self.factory.uuid(), data, dict(scope))
                if "id" in data:
                    data["id"] = rec.id
                if "name" in data:
                    data["name"] = f"{res.key}-{rec.id[-12:]}"
                self.store.put(res.key, rec)
                out.append(data)
        return out

    def lesson_setup(self, *, rate_limit: int | None = None, apps: int | None = None
                     ) -> Callable[[], None]:
        """Set the sandbox up for a lesson: a fresh budget of ``rate_limit`` requests,
        and at least ``apps`` apps. Returns the undo: the old budget back, the apps
        added removed."""
        old_rate = self.rate
        added: list[str] = []
        if rate_limit is not None:
            self.rate = RatePool(rate_limit, None, old_rate.clock)
        app_key = "app" if self.spec.resource("app") is not None else None
        if apps is not None and app_key is not None:
            missing = apps - len(self.store.records(app_key))
            if missing > 0:
                added = [str(d.get("id")) for d in self.populate(app_key, missing)]

        def undo() -> None:
            self.rate = old_rate
            with self.store.transaction():
                for app_id in added:
                    self.store.delete(app_key or "app", app_id)

        return undo

    def close(self) -> None:
        self.store.close()

    # -- ASGI ---------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers = request_headers(scope)
        if await streams.intercept(self, scope, headers, receive, send):
            return  # a log session's or a build's stream
        method = str(scope["method"]).upper()
        override = headers.get("x-http-method-override")
        if method == "POST" and override:
            method = override.strip().upper()
        path = raw_path(scope)
        reads_body = method in _BODY_METHODS or scope["method"] == "POST"
        # A body the client announced and the sandbox has not read yet.
        pending = reads_body and ("transfer-encoding" in headers or headers.get(
            "content-length", "0").strip() not in ("", "0"))
        answer = self.screen(method, path, headers) if reads_body else None
        body = b""
        if answer is None and reads_body:
            body, answer = await self._read_body(receive)
        if answer is None:
            pending = False
            answer = self.respond(method, path, headers, body)
        status, out_headers, payload = answer
        if pending:
            out_headers = [*out_headers, ("Connection", "close")]
        await send({"type": "http.response.start", "status": status, "headers": [
            (k.encode("latin-1"), header_bytes(v)) for k, v in out_headers]})
        await send({"type": "http.response.body",
                    "body": b"" if scope["method"] == "HEAD" else payload})

    def screen(self, method: str, path: str, headers: dict[str, str]) -> _Answer | None:
        """The answer a request gets before its body is read (406, 401, 413...), or
        ``None`` when the body is worth reading."""
        try:
            self._screen(method, path, headers)
        except Problem as exc:
            return self._answer(exc)
        return None

    async def _read_body(self, receive: Receive) -> tuple[bytes, _Answer | None]:
        """The body, counted while it is read: ``(body, None)``, or an answer (413 past
        the cap, 408 when it is too slow, 400 when the client went away)."""
        chunks: list[bytes] = []
        size = 0
        deadline = time.monotonic() + self.body_timeout
        while True:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                return b"", self._answer(Problem(408, "request_timeout", (
                    f"The request body did not arrive within {self.body_timeout:g} seconds.")))
            if message.get("type") == "http.disconnect":
                return b"", self._answer(Problem(400, "bad_request",
                                                 "The request body was cut short."))
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                return b"", self._answer(too_large(self.max_body))
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks), None

    def respond(self, method: str, path: str, headers: dict[str, str], body: bytes
                ) -> _Answer:
        """Answer one request synchronously: ``(status, headers, body)``; ``path`` is the
        raw (still percent-encoded) path."""
        try:
            return self._answer(self._respond(method, path, headers, body))
        except Problem as exc:
            return self._answer(exc)

    def _answer(self, result: _Answer | Problem) -> _Answer:
        request_id = str(uuid.uuid4())
        if isinstance(result, Problem):
            status, out = result.status, []
            payload = encode(protocol.error_body(result.id, result.message))
            if result.status == 429:
                out.append((HeaderName.RETRY_AFTER, str(self.rate.retry_after())))
        else:
            status, out, payload = result
        base = [(HeaderName.REQUEST_ID, request_id),
                (HeaderName.RATELIMIT_REMAINING, str(self.rate.remaining))]
        if status != 304:
            base.append((HeaderName.CONTENT_TYPE, _JSON.decode()))
        base.append(("Content-Length", str(len(payload))))
        return status, base + out, payload

    def _screen(self, method: str, path: str, headers: dict[str, str]) -> None:
        accept = headers.get("accept")
        if not protocol.accept_names_version(accept):
            raise Problem(400, "missing_version")
        if protocol.accept_variant(accept) is None:
            raise Problem(406, "not_acceptable")
        if path.rstrip("/") == "/schema" and method in ("GET", "HEAD") and self.schema_bytes:
            return
        if not self._authorized(headers.get("authorization")):
            raise Problem(401, "unauthorized")
        length = headers.get("content-length")
        if length is not None:
            text = length.strip()
            if not (text.isascii() and text.isdigit()):
                raise Problem(400, "bad_request", "The Content-Length header is not a number.")
            if int(text) > self.max_body:
                raise too_large(self.max_body)

    def _respond(self, method: str, path: str, headers: dict[str, str], body: bytes
                 ) -> _Answer:
        try:
            return self._respond_checked(method, path, headers, body)
        except Problem:
            raise
        except Exception:
            traceback.print_exc(file=sys.stderr)
            raise Problem(500, "internal_server_error") from None

    def _respond_checked(self, method: str, path: str, headers: dict[str, str], body: bytes
                         ) -> _Answer:
        self._screen(method, path, headers)
        if len(body) > self.max_body:
            raise too_large(self.max_body)
        if path.rstrip("/") == "/schema" and method in ("GET", "HEAD") and self.schema_bytes:
            return self._representation(method, headers, self.schema_bytes, [])
        match = self.router.match(method, path)
        # Rate Limits does not count against the limit, as the overview documents.
        counted = match is None or match.route.kind != "rate-limit"
        if counted and not self.rate.take():
            raise Problem(429, "rate_limit")
        if match is None:
            raise Problem(404, "not_found", _NO_ROUTE)
        route = match.route
        if route.kind == "rate-limit":
            return self._representation(method, headers, encode(
                {"remaining": self.rate.remaining}), [])
        data: Any = None
        if body.strip():
            check_content_type(headers.get("content-type"))
            data = parse_body(body)
        route, checked = choose_route(self.spec, match.routes, data)
        with self.store.transaction():
            if_match = headers.get("if-match")
            if if_match is not None:
                current = self.engine.current(route, match.values)
                if current is not None and not protocol.etag_matches(
                        if_match, protocol.compute_etag(encode(current)), weak=False):
                    raise Problem(412, "precondition_failed")
            try:
                outcome = lifecycles.handle(self, route, match.values, checked, headers)
            except ParamError as exc:
                raise invalid_params(exc) from None
        return self._render(method, headers, route, outcome)

    def _authorized(self, value: str | None) -> bool:
        if not value:
            return False
        scheme, _, cred = value.strip().partition(" ")
        cred = cred.strip()
        if scheme.lower() == "bearer":
            given = cred
        elif scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(cred, validate=True).decode("utf-8")
            except (ValueError, UnicodeDecodeError):
                return False
            given = decoded.partition(":")[2]  # the login (an email, or nothing) is not checked
        else:
            return False
        return hmac.compare_digest(given.encode(), self.token.encode())

    def _render(self, method: str, headers: dict[str, str], route: Route, outcome: Outcome
                ) -> _Answer:
        extra = list(outcome.headers)
        if outcome.items is not None:
            try:
                page = paginate(outcome.items, headers.get("range"), route.sort_fields,
                                _data, dict(route.sort_aliases))
            except RangeError as exc:
                raise Problem(416, "requested_range_not_satisfiable", str(exc)) from None
            payload = b"[" + b",".join(rec.json() for rec in page.items) + b"]"
            extra += page.headers
            extra += self._warnings(route, payload, [rec.data for rec in page.items])
            return self._representation(method, headers, payload, extra, page.status)
        body = outcome.body if outcome.body is not None else {}
        payload = encode(body)
        extra += self._warnings(route, payload, [body] if isinstance(body, dict) else [])
        return self._representation(method, headers, payload, extra, outcome.status)

    def _representation(self, method: str, headers: dict[str, str], payload: bytes,
                        extra: list[tuple[str, str]], status: int = 200
                        ) -> _Answer:
        etag = protocol.compute_etag(payload)
        out = [(HeaderName.ETAG, etag), *extra]
        if method in ("GET", "HEAD") and protocol.etag_matches(headers.get("if-none-match"), etag):
            return 304, out, b""
        return status, out, payload

    def _warnings(self, route: Route, payload: bytes, objects: list[Any]
                  ) -> list[tuple[str, str]]:
        """A deprecated stack in the answer carries a warning, as the overview shows."""
        if not any(f'"{name}"'.encode() in payload for name in self._deprecated):
            return []
        for obj in objects:
            if not isinstance(obj, dict):
                continue
            names = [obj.get("stack"), obj.get("build_stack")]
            if route.resource == self._stack_key:
                names.append(obj.get("name"))
            for value in names:
                name = value.get("name") if isinstance(value, dict) else value
                if isinstance(name, str) and name in self._deprecated:
                    # As today's API: Warning-Id and Warning-Message, beside the
                    # legacy X-Heroku-Warning (what Heroku's own CLI reads).
                    code, message = presets.STACK_WARNING
                    return [(HeaderName.WARNING_ID, code), (HeaderName.WARNING_MESSAGE, message),
                            (HeaderName.X_HEROKU_WARNING, message)]
        return []


def _data(rec: Record) -> dict[str, Any]:
    return rec.data


def create_app(spec: ApiSpec, *, token: str = SANDBOX_TOKEN, seed: int = 0,
               state_path: str | Path | None = None, rate_limit: int = 1200,
               rate_refill_per_hour: float | None = None,
               clock: Callable[[], float] = time.monotonic,
               schema_bytes: bytes | None = None, max_body: int = MAX_BODY,
               body_timeout: float = BODY_TIMEOUT) -> SandboxApp:
    """The sandbox for ``spec``: seeded with ``seed`` unless ``state_path`` holds state."""
    return SandboxApp(spec, token=token, seed=seed, state_path=state_path,
                      rate_limit=rate_limit, rate_refill_per_hour=rate_refill_per_hour,
                      clock=clock, schema_bytes=schema_bytes, max_body=max_body,
                      body_timeout=body_timeout)
