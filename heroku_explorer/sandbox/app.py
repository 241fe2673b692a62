"""The sandbox as one raw ASGI application: the protocol around the handlers.

Per request, in order: ``Accept`` (400 ``missing_version`` without a version, as
today's API answers; 406 for a version it does not serve), ``GET /schema`` (no token needed, as on
the real API), the token (401), a declared ``Content-Length`` over the cap (413),
and only then the body, counted while it is read (413 past :data:`MAX_BODY`, 408
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
import hashlib
import hmac
import json
import math
import random
import re
import sys
import time
import traceback
import uuid
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import quote

import heroku_explorer.sandbox.lifecycles as lifecycles
import heroku_explorer.sandbox.presets as presets
import heroku_explorer.sandbox.streams as streams
from heroku_explorer import protocol
from heroku_explorer.protocol import H
from heroku_explorer.sandbox.handlers import Engine, Outcome, Problem
from heroku_explorer.sandbox.paging import RangeError, paginate
from heroku_explorer.sandbox.routes import Route, Router
from heroku_explorer.sandbox.seed import Factory, seed_store
from heroku_explorer.sandbox.store import Record, Store, encode
from heroku_explorer.sandbox.validate import ParamError, validate_body
from heroku_explorer.schema.model import ApiSpec

__all__ = ["MAX_BODY", "MAX_DEPTH", "SANDBOX_TOKEN", "RatePool", "SandboxApp", "create_app",
           "schema_source"]

#: The token the sandbox accepts unless told otherwise: clearly not a real one.
SANDBOX_TOKEN = "sandbox-token"
Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
_BODY_METHODS = frozenset({"POST", "PATCH", "PUT", "DELETE"})
_JSON = b"application/json; charset=utf-8"
#: The largest request body read, in bytes: the API's own bodies are a few KiB.
MAX_BODY = 1024 * 1024
#: How deeply a JSON body may nest arrays and objects (the API's nest 3 or 4 deep).
MAX_DEPTH = 32
#: Seconds a whole request body may take to arrive.
BODY_TIMEOUT = 30.0
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")
_Answer = tuple[int, list[tuple[str, str]], bytes]
#: Heroku's words for a path no endpoint serves.
_NO_ROUTE = ("The requested API endpoint was not found. Are you using the right HTTP verb "
             "(i.e. GET vs. POST), and did you set your Accept header properly?")


class RatePool:
    """A token bucket: ``capacity`` tokens, refilled at ``per_hour`` an hour."""

    def __init__(self, capacity: int, per_hour: float | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = capacity
        self.rate = (per_hour if per_hour is not None else capacity) / 3600.0
        self.clock = clock
        self.tokens = float(capacity)
        self._last = clock()

    def _refill(self) -> None:
        now = self.clock()
        self.tokens = min(float(self.capacity), self.tokens + (now - self._last) * self.rate)
        self._last = now

    def take(self) -> bool:
        self._refill()
        if self.tokens < 1:
            return False
        self.tokens -= 1
        return True

    @property
    def remaining(self) -> int:
        self._refill()
        return int(self.tokens)

    def retry_after(self) -> int:
        if self.rate <= 0:
            return 3600
        return max(1, math.ceil((1 - self.tokens) / self.rate))


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
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        headers = _request_headers(scope)
        if await streams.intercept(self, scope, headers, receive, send):
            return  # a log session's or a build's stream
        method = str(scope["method"]).upper()
        override = headers.get("x-http-method-override")
        if method == "POST" and override:
            method = override.strip().upper()
        path = _raw_path(scope)
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
            (k.encode("latin-1"), _header_bytes(v)) for k, v in out_headers]})
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
                return b"", self._answer(_too_large(self.max_body))
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
                out.append((H.RETRY_AFTER, str(self.rate.retry_after())))
        else:
            status, out, payload = result
        base = [(H.REQUEST_ID, request_id),
                (H.RATELIMIT_REMAINING, str(self.rate.remaining))]
        if status != 304:
            base.append((H.CONTENT_TYPE, _JSON.decode()))
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
                raise _too_large(self.max_body)

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
            raise _too_large(self.max_body)
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
            _check_content_type(headers.get("content-type"))
            data = parse_body(body)
        route, checked = _choose(self.spec, match.routes, data)
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
                raise _invalid(exc) from None
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
        out = [(H.ETAG, etag), *extra]
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
                    return [(H.WARNING_ID, code), (H.WARNING_MESSAGE, message),
                            (H.X_HEROKU_WARNING, message)]
        return []


def _data(rec: Record) -> dict[str, Any]:
    return rec.data


def _request_headers(scope: Scope) -> dict[str, str]:
    """Header names folded to lower case; repeated headers joined with ``, ``."""
    headers: dict[str, str] = {}
    for raw_key, raw_value in scope.get("headers", ()):
        key = bytes(raw_key).decode("latin-1").lower()
        value = _header_text(bytes(raw_value))
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    return headers


def _header_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _header_bytes(value: str) -> bytes:
    """A header value the sandbox writes, safe on the wire: no control characters
    (percent-escaped), no surrounding blanks, UTF-8."""
    text = _CONTROL_RE.sub(lambda m: f"%{ord(m.group()):02X}", value).strip()
    return text.encode("utf-8", "backslashreplace")


def _raw_path(scope: Scope) -> str:
    """The request path as sent, still percent-encoded (``raw_path``; the decoded
    ``path`` would turn ``%2F`` into a separator)."""
    raw = scope.get("raw_path")
    if isinstance(raw, bytes | bytearray) and raw:
        text = bytes(raw).decode("latin-1").partition("?")[0]
    else:
        text = quote(str(scope.get("path", "/")), safe="/!$&'()*+,;=:@~")
    return text or "/"


def _too_large(limit: int) -> Problem:
    return Problem(413, "request_entity_too_large",
                   f"The request body is over the limit of {limit:,} bytes.")


def _check_content_type(value: str | None) -> None:
    """A body is JSON: a ``Content-Type`` naming anything else is answered 415."""
    if value is None:
        return
    media = value.partition(";")[0].strip().lower()
    if media == "application/json" or (media.startswith("application/") and
                                       media.endswith("+json")):
        return
    raise Problem(415, "unsupported_media_type",
                  "The request body must be JSON (Content-Type: application/json).")


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_body(body: bytes) -> Any:
    """A request body as JSON: UTF-8 text, standard JSON (no ``NaN``), nested at most
    :data:`MAX_DEPTH` deep, no lone surrogates; anything else is a 400."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, "bad_request", "The request body is not UTF-8 text.") from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except RecursionError:
        raise _too_deep() from None
    except ValueError:
        raise Problem(400, "bad_request", "The request body is not valid JSON.") from None
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, str):
            _check_text(value)
        elif isinstance(value, dict | list):
            if depth > MAX_DEPTH:
                raise _too_deep()
            if isinstance(value, dict):
                for key in value:
                    _check_text(key)
                stack.extend((v, depth + 1) for v in value.values())
            else:
                stack.extend((v, depth + 1) for v in value)
    return data


def _check_text(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Problem(400, "bad_request",
                      "The request body holds a lone UTF-16 surrogate (\\ud800-\\udfff).") from None


def _too_deep() -> Problem:
    return Problem(400, "bad_request",
                   f"The request body nests arrays and objects over {MAX_DEPTH} deep.")


def _invalid(exc: ParamError) -> Problem:
    """Heroku's 422: ``Invalid params: quantity: expected integer, got "x".``"""
    sep = ": " if exc.message.startswith(("expected", "required", "the key", "unknown")) else " "
    text = exc.message if exc.message[:1].isupper() else f"{exc.field}{sep}{exc.message}"
    return Problem(422, "invalid_params", f"Invalid params: {text.rstrip('.')}.")


def schema_source(spec: ApiSpec) -> bytes | None:
    """The original bytes of ``spec``'s schema, when its origin can still be read
    unchanged (the bundled file, or a path whose content has the same hash)."""
    origin = spec.source.origin
    try:
        if origin.startswith("bundled:"):
            from importlib import resources

            name = origin.partition(":")[2]
            data = resources.files("heroku_explorer.schema").joinpath("bundled", name).read_bytes()
        else:
            data = Path(origin).read_bytes()
    except (OSError, ValueError):
        return None
    if spec.source.sha256 and hashlib.sha256(data).hexdigest() != spec.source.sha256:
        return None
    return data


def _choose(spec: ApiSpec, routes: tuple[Route, ...], data: Any
            ) -> tuple[Route, dict[str, Any]]:
    """The first route whose body rules the request satisfies (Create vs Rollback);
    when none does, the error of the one whose parameters the body uses most."""
    best: tuple[int, ParamError] | None = None
    keys = set(data) if isinstance(data, dict) else set()
    for route in routes:
        try:
            return route, validate_body(route.action, data if route.action.method in (
                "POST", "PATCH", "PUT") else None, spec.resource(route.resource))
        except ParamError as exc:
            body = route.action.body
            used = len(keys & {p.name for p in body.params}) if body is not None else 0
            if best is None or used > best[0]:
                best = (used, exc)
    assert best is not None
    raise _invalid(best[1])


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


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
