"""Exchanges as a HAR 1.2 log, for browsers' devtools and every tool that imports HAR.

Rows from the history (:class:`~heroku_explorer.client.history.HistoryEntry`) or
exchanges of this session (:class:`~heroku_explorer.client.response.Exchange`) alike.
Whatever mode a row was stored in, the log holds it redacted the way the history's
``redacted`` mode keeps it: headers that carry credentials keep their names only,
JSON fields with secret names (``password``, ``access_token``, a log session's
``logplex_url``...) and the write-only fields of the action become ``[REDACTED]``,
every value of a config-var map does too, URLs lose their passwords and secret query
values, and each known secret is removed in every written form. A config-var body
that is not JSON is left out.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from heroku_explorer import __version__, redaction
from heroku_explorer.redaction import REDACTED

__all__ = ["HAR_VERSION", "har_file_name", "har_text", "save_har", "to_har"]

HAR_VERSION = "1.2"


def _field(row: Any, *names: str, default: Any = None) -> Any:
    for name in names:
        if hasattr(row, name):
            return getattr(row, name)
    return default


def _headers(pairs: Iterable[tuple[str, str]], secrets: tuple[str, ...]) -> list[dict[str, str]]:
    out = []
    for name, value in pairs:
        shown = REDACTED if redaction.is_secret_header(name) else redaction.redact_urls(
            value, secrets)
        out.append({"name": redaction.redact_text(name, secrets), "value": shown})
    return out


def _body(data: bytes | None, *, config_vars: bool, write_only: frozenset[str],
          secrets: tuple[str, ...], error_body: bool) -> bytes | None:
    """One body redacted as the history's ``redacted`` mode keeps it."""
    if not data:
        return data
    try:
        parsed = json.loads(data)
    except (ValueError, RecursionError):
        return REDACTED.encode() if config_vars else redaction.redact_bytes(data, secrets)
    as_map = config_vars and not (error_body and isinstance(parsed, dict)
                                  and set(parsed) <= {"id", "message", "url"})
    names = write_only.__contains__ if write_only else None
    try:
        clean = redaction.redact_json(parsed, secrets=secrets, config_vars=as_map,
                                      secret_names=names)
    except RecursionError:
        return REDACTED.encode()
    if clean == parsed:
        return redaction.redact_bytes(data, secrets)
    return json.dumps(clean, ensure_ascii=False).encode("utf-8", "surrogatepass")


def _content(data: bytes, mime: str) -> dict[str, Any]:
    out: dict[str, Any] = {"size": len(data), "mimeType": mime}
    if not data:
        return out
    try:
        out["text"] = data.decode("utf-8")
    except UnicodeDecodeError:
        out["text"] = base64.b64encode(data).decode("ascii")
        out["encoding"] = "base64"
    return out


def _mime(headers: Iterable[tuple[str, str]], default: str) -> str:
    for name, value in headers:
        if name.lower() == "content-type":
            return value
    return default


def _iso(ts: float) -> str:
    return datetime.fromtimestamp(ts or 0.0, tz=UTC).isoformat(timespec="milliseconds")


def _entry(row: Any, secrets: tuple[str, ...],
           write_only: Mapping[str, frozenset[str]]) -> dict[str, Any]:
    url = redaction.redact_url(str(row.url), secrets)
    try:
        parts = urlsplit(url)
        query = [{"name": k, "value": v} for k, v in parse_qsl(parts.query,
                                                                keep_blank_values=True)]
        config_vars = redaction.is_config_var_path(parts.path)
    except ValueError:
        query, config_vars = [], False
    status = row.status
    only = write_only.get(row.action_id or "", frozenset())
    req_headers = tuple(row.request_headers)
    res_headers = tuple(_field(row, "response_headers", "headers", default=()))
    request_body = _body(row.request_body, config_vars=config_vars, write_only=only,
                         secrets=secrets, error_body=False)
    body = _body(_field(row, "response_body", "body", default=b""), config_vars=config_vars,
                 write_only=only, secrets=secrets, error_body=(status or 0) >= 400) or b""
    request: dict[str, Any] = {
        "method": row.method, "url": url, "httpVersion": "HTTP/1.1", "cookies": [],
        "headers": _headers(req_headers, secrets), "queryString": query,
        "headersSize": -1, "bodySize": len(request_body) if request_body else 0,
    }
    if request_body:
        post = _content(request_body, _mime(req_headers, "application/json"))
        request["postData"] = {"mimeType": post["mimeType"], "text": post.get("text", "")}
        if "encoding" in post:
            request["postData"]["comment"] = "base64"
    elapsed = max(float(row.elapsed_ms or 0.0), 0.0)
    entry: dict[str, Any] = {
        "startedDateTime": _iso(_field(row, "ts", "started_at", default=0.0)),
        "time": elapsed,
        "request": request,
        "response": {
            "status": status if isinstance(status, int) else 0,
            "statusText": redaction.redact_text(row.reason or "", secrets),
            "httpVersion": "HTTP/1.1", "cookies": [],
            "headers": _headers(res_headers, secrets),
            "content": _content(body, _mime(res_headers, "application/json")),
            "redirectURL": "", "headersSize": -1, "bodySize": len(body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": elapsed, "receive": 0},
    }
    if row.request_id:
        entry["_requestId"] = redaction.redact_text(str(row.request_id), secrets)
    if row.error is not None:
        entry["_error"] = redaction.redact_urls(str(row.error), secrets)
    return entry


def to_har(rows: Iterable[Any], *, secrets: Iterable[str] = (),
           write_only: Mapping[str, frozenset[str]] | None = None) -> dict[str, Any]:
    """A HAR 1.2 log of ``rows`` (oldest first, as given), redacted (module docs).

    ``write_only`` maps action ids to their write-only field names
    (:attr:`~heroku_explorer.client.history.History.write_only`)."""
    known = tuple(sorted({s for s in secrets if s}, key=len, reverse=True))
    entries = [_entry(row, known, write_only or {}) for row in rows]
    return {"log": {"version": HAR_VERSION,
                    "creator": {"name": "heroku-explorer", "version": __version__},
                    "entries": entries}}


def har_text(rows: Iterable[Any], *, secrets: Iterable[str] = (),
             write_only: Mapping[str, frozenset[str]] | None = None) -> str:
    """:func:`to_har` as JSON text (control and bidi characters escaped)."""
    text = json.dumps(to_har(rows, secrets=secrets, write_only=write_only), indent=2,
                      ensure_ascii=False)
    return "".join(c if c in "\n" or not _unsafe(c) else f"\\u{ord(c):04x}" for c in text)


def _unsafe(c: str) -> bool:
    o = ord(c)
    return o < 0x20 or 0x7F <= o <= 0x9F or c in "\u2028\u2029" or 0x202A <= o <= 0x202E \
        or 0x2066 <= o <= 0x2069


def har_file_name(now: float) -> str:
    """A file name for a log written at ``now``: ``heroku-explorer-20261201-100000.har``."""
    return datetime.fromtimestamp(now, tz=UTC).strftime("heroku-explorer-%Y%m%d-%H%M%S.har")


def save_har(path: str, text: str) -> None:
    """Write ``text`` to ``path``: created 0600, never through a symbolic link. Raises
    :class:`OSError`."""
    import os

    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
    fd = os.open(path, flags, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
