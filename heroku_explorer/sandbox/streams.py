"""Log sessions and build output, streamed by the sandbox itself.

The contract (what ``heroku logs`` and ``heroku-explorer logs`` read):

* ``GET <base>/sandbox-streams/logs/<session id>?srv=<secret>``: the log session's
  ``logplex_url``. Answers ``text/event-stream`` as Heroku's log router does for
  the CLI: one event per line, ``id: <n>`` then ``data: <line>``, a blank line
  after each. Lines are in Heroku's format
  (``2026-12-01T10:00:00.000000+00:00 app[web.1]: ...``), the session's
  ``lines`` of them (its ``dyno`` and ``source`` honoured); then the stream ends,
  or with ``tail`` it sends a line every :data:`TAIL_SECONDS` until the client goes.
* ``GET <base>/sandbox-streams/builds/<build id>?srv=<secret>``: the build's
  ``output_stream_url``. Plain text, chunked, a line at a time while the build
  runs; it ends when the build is done (the build then has its release).
* A wrong or missing ``srv``, or an unknown id: 404 with a Heroku error body.

No ``Accept`` or token is needed: the secret in the URL is the credential, as on
Heroku. ``<base>`` is the scheme and Host of the request that made the session,
so the same URLs work in-process (``httpx.ASGITransport``) and on loopback.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
from collections.abc import Awaitable, Callable, MutableMapping
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

from heroku_explorer.sandbox.lifecycles import (
    LOG_SESSIONS,
    SCHEME,
    STREAMS,
    lifecycles_of,
)
from heroku_explorer.sandbox.store import Record

if TYPE_CHECKING:
    from heroku_explorer.sandbox.app import SandboxApp

__all__ = ["TAIL_SECONDS", "build_output", "intercept", "log_lines"]

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
#: Seconds between two lines of a tailed log.
TAIL_SECONDS = 1.0
#: The most lines a log session sends before it ends or tails (as logplex's 1500).
MAX_LINES = 1500


async def intercept(app: SandboxApp, scope: Scope, headers: dict[str, str],
                    receive: Receive, send: Send) -> bool:
    """Note the request's scheme for the lifecycles; serve it when it is a stream's
    (then ``True``: the request is answered)."""
    headers[SCHEME] = str(scope.get("scheme") or "http")
    path = str(scope.get("path") or "")
    if not path.startswith(STREAMS + "/"):
        return False
    query = parse_qs(bytes(scope.get("query_string") or b"").decode("latin-1"))
    given = (query.get("srv") or [""])[0]
    kind, _, ident = path[len(STREAMS) + 1:].partition("/")
    if kind == "logs" and (session := _session(app, ident, given)) is not None:
        events = "text/event-stream" in headers.get("accept", "")
        await _serve_logs(app, session, receive, send, events=events)
    elif kind == "builds" and (build := _build(app, ident, given)) is not None:
        await _serve_build(app, build, send)
    else:
        await _not_found(send)
    return True


def _secret_matches(url: object, given: str) -> bool:
    if not isinstance(url, str) or not given:
        return False
    kept = (parse_qs(urlsplit(url).query).get("srv") or [""])[0]
    return bool(kept) and hmac.compare_digest(kept.encode(), given.encode())


def _session(app: SandboxApp, ident: str, given: str) -> Record | None:
    rec = app.store.get(LOG_SESSIONS, ident)
    return rec if rec is not None and _secret_matches(rec.data.get("url"), given) else None


def _build(app: SandboxApp, ident: str, given: str) -> Record | None:
    rec = app.store.get("build", ident)
    if rec is None or not _secret_matches(rec.data.get("output_stream_url"), given):
        return None
    return rec


async def _not_found(send: Send) -> None:
    body = json.dumps({"id": "not_found", "message": "Couldn't find that stream."}).encode()
    await send({"type": "http.response.start", "status": 404, "headers": [
        (b"content-type", b"application/json; charset=utf-8"),
        (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})


# -- logs ---------------------------------------------------------------------------

_ROUTER = ('at=info method={method} path="{path}" host={host} request_id={rid} '
           'fwd="203.0.113.{ip}" dyno={dyno} connect=1ms service={ms}ms status={status} '
           'bytes={size} protocol=https')
_APP_LINES = (
    'Started GET "{path}" for 203.0.113.{ip}',
    "Completed 200 OK in {ms}ms (Views: {view}ms | ActiveRecord: {db}ms)",
    "source=web.1 sample#memory_total={mem}MB sample#load_avg_1m=0.0{ip}",
    "Processing job {rid} in the default queue",
)
_PATHS = ("/", "/login", "/api/items", "/assets/app.css", "/health", "/api/items/42")


def _stamp(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def log_lines(app_data: dict[str, Any], dynos: list[str], count: int, *,
              dyno: str | None = None, source: str | None = None,
              start: int = 0, now: datetime | None = None) -> list[str]:
    """``count`` log lines of an app in Heroku's format, numbered from ``start``
    (the same numbers give the same lines), ending at ``now``; only those of
    ``dyno`` (a name like ``web.1``, or a process type) and ``source`` (``app`` or
    ``heroku``) when given."""
    now = now or datetime.now(UTC)
    host = f"{app_data.get('name') or 'app'}.herokuapp.com"
    names = dynos or ["web.1"]
    made: list[tuple[str, str, str]] = []
    n = start
    while len(made) < count and n < start + count * 20 + 20:
        dyno_name = names[(n // 3) % len(names)]
        values = {"path": _PATHS[n % len(_PATHS)], "ip": n % 250 + 1, "ms": 3 + n * 7 % 90,
                  "view": 1 + n % 9, "db": 1 + n * 3 % 11, "mem": 180 + n % 60,
                  "rid": f"{n * 2654435761 % 2**32:08x}-{n:04x}", "method": "GET",
                  "host": host, "dyno": dyno_name, "status": 200 if n % 11 else 304,
                  "size": 512 + n * 37 % 4000}
        if n % 3 == 0:
            line = ("heroku", "router", _ROUTER.format(**values))
        else:
            line = ("app", dyno_name, _APP_LINES[n % len(_APP_LINES)].format(**values))
        n += 1
        if source and line[0] != source:
            continue
        if dyno and line[1] != dyno and line[1].split(".")[0] != dyno:
            continue
        made.append(line)
    first = now - timedelta(seconds=len(made))
    return [f"{_stamp(first + timedelta(seconds=i, microseconds=(k * 7919) % 10**6))} "
            f"{src}[{who}]: {text}" for i, (k, (src, who, text)) in
            enumerate(zip(range(start, start + len(made)), made, strict=True))]


def _event(n: int, line: str, events: bool = True) -> bytes:
    return f"id: {n}\ndata: {line}\n\n".encode() if events else f"{line}\n".encode()


async def _serve_logs(app: SandboxApp, session: Record, receive: Receive, send: Send, *,
                      events: bool) -> None:
    opts = session.data
    app_rec = app.store.get("app", str(opts.get("app")))
    app_data = app_rec.data if app_rec is not None else {}
    dynos = sorted(str(r.data.get("name")) for r in app.store.records(
        "dyno", {"app": str(opts.get("app"))}) if r.data.get("name"))
    wanted = max(0, min(int(opts.get("lines") or 0), MAX_LINES))
    filters: dict[str, Any] = {"dyno": opts.get("dyno") or None,
                               "source": opts.get("source") or None}
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"text/event-stream; charset=utf-8" if events
         else b"text/plain; charset=utf-8"),
        (b"cache-control", b"no-cache")]})
    lines = log_lines(app_data, dynos, wanted, **filters)
    await send({"type": "http.response.body",
                "body": b"".join(_event(1000 + i, line, events) for i, line in enumerate(lines)),
                "more_body": bool(opts.get("tail"))})
    if not opts.get("tail"):
        return
    gone = asyncio.ensure_future(_disconnected(receive))
    n = len(lines)
    try:
        while True:
            done, _ = await asyncio.wait({gone}, timeout=TAIL_SECONDS)
            if done:
                return
            line = log_lines(app_data, dynos, 1, start=n * 20, **filters)
            n += 1
            if line:
                await send({"type": "http.response.body", "body": _event(1000 + n, line[0], events),
                            "more_body": True})
    finally:
        gone.cancel()
        with contextlib.suppress(Exception):
            await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _disconnected(receive: Receive) -> None:
    while (await receive()).get("type") != "http.disconnect":
        pass


# -- build output ---------------------------------------------------------------------

def build_output(stack: str, app_name: str) -> list[str]:
    """What a build prints while it runs (before its release)."""
    return [
        f"-----> Building on the {stack.capitalize()} stack",
        "-----> Using buildpack: heroku/ruby",
        "-----> Ruby app detected",
        "-----> Installing bundler 2.5.6",
        "-----> Installing dependencies using bundler 2.5.6",
        "       Running: BUNDLE_WITHOUT='development:test' bundle install -j4",
        "       Bundle complete! 12 Gemfile dependencies, 58 gems now installed.",
        "-----> Detecting rake tasks",
        "-----> Discovering process types",
        "       Procfile declares types -> web, worker",
        "-----> Compressing...",
        "       Done: 38.2M",
        "-----> Launching...",
        f"       https://{app_name}.herokuapp.com/ deployed to Heroku",
    ]


async def _serve_build(app: SandboxApp, build: Record, send: Send) -> None:
    cycles = lifecycles_of(app)
    app_rec = app.store.get("app", build.parents.get("app", ""))
    name = str((app_rec.data if app_rec else {}).get("name") or "app")
    stack = build.data.get("stack")
    stack_name = str((stack.get("name") if isinstance(stack, dict) else stack) or "heroku-24")
    lines = build_output(stack_name, name)
    await send({"type": "http.response.start", "status": 200, "headers": [
        (b"content-type", b"text/plain; charset=utf-8"), (b"cache-control", b"no-cache")]})
    due = cycles.pending.get(build.id)
    pause = max(0.0, due - cycles.clock()) / len(lines) if due is not None else 0.0
    for line in lines:
        await send({"type": "http.response.body", "body": (line + "\n").encode(),
                    "more_body": True})
        if pause:
            await asyncio.sleep(pause)
    with app.store.transaction():
        cycles.advance(force=build.id)
        done = cycles.finish_build(build.id)
    release = (done.data.get("release") if done is not None else None) or {}
    found = app.store.get("release", str(release.get("id"))) if isinstance(release, dict) else None
    tail = f"       Released v{found.data.get('version')}\n" if found is not None else ""
    await send({"type": "http.response.body", "body": tail.encode(), "more_body": False})
