"""A persisted, searchable, redacted history of exchanges.

SQLite in the user data directory (``history.sqlite3``), mode 0600 in a 0700
folder, write-ahead logging and a busy timeout so that two processes (a TUI and
a REPL) can write at once. The newest ``max_rows`` rows are kept.

What a row holds depends on ``mode``:

``redacted`` (the default)
    Nothing secret. Headers that carry credentials
    (:func:`~heroku_explorer.redaction.is_secret_header`) keep their names only;
    JSON fields with secret names, at any depth, in request and response bodies
    (``password``, ``access_token.token``, ``client:secret``, ``grant:code``) and
    fields the schema marks write-only for the action sent
    (:meth:`History.use_schema`) become ``[REDACTED]``; every value of a config-var
    map (:func:`~heroku_explorer.redaction.is_config_var_path`) does too, its keys
    kept; so do query parameters with secret names and the passwords of URLs
    (``postgres://user:[REDACTED]@host``), wherever a URL appears. A config-var
    body that is not JSON is not kept at all.
``full``
    Bodies and headers as exchanged, but for the ``Authorization``, cookie and
    second-factor headers.
``metadata``
    Method, URL without user info or query values, status, timing, request id,
    sizes and header names: no header values, no bodies, no error text.

In every mode each known secret (the token and its encoded forms) is removed, in
every written form (:func:`~heroku_explorer.redaction.secret_forms`: JSON- and
``repr``-escaped, percent-encoded, split at control characters), from URLs,
headers, bodies and error text; and request bodies are capped like response
bodies (:data:`BODY_CAP`, ``request_body_truncated``).

Files are opened without following symbolic links: the data folder must be a real
directory of this user that no one else may write to
(:func:`~heroku_explorer.paths.ensure_dir`), and the database and its ``-wal``,
``-shm`` and ``-journal`` companions must not be symbolic links. In such a folder
no other user can plant a link between the check and SQLite's own open. A data
directory that cannot be written, or that fails these checks, turns history off
(``enabled`` False, ``disabled_reason`` a sentence for the UI); it never crashes a
send.
"""

from __future__ import annotations

import contextlib
import json
import re
import sqlite3
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, get_args
from urllib.parse import urlsplit, urlunsplit

from heroku_explorer import redaction
from heroku_explorer.client import history_db
from heroku_explorer.client.history_db import BODY_CAP, HistoryEntry
from heroku_explorer.client.response import Exchange
from heroku_explorer.paths import data_dir
from heroku_explorer.redaction import REDACTED
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.schema.model import ApiSpec

__all__ = ["BODY_CAP", "HISTORY_FILE", "HISTORY_MODES", "REDACTED", "History", "HistoryEntry",
           "HistoryMode", "redact", "redact_bytes"]

HISTORY_FILE = "history.sqlite3"
HistoryMode = Literal["redacted", "full", "metadata"]
#: The modes a :class:`History` can keep rows in ("off" is no History at all).
HISTORY_MODES: tuple[str, ...] = get_args(HistoryMode)
# The headers "full" mode still hides (they carry the token or a second factor).
_FULL_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "heroku-two-factor-code",
                                  "cookie", "set-cookie"})
_ERROR_ID = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every form of each secret replaced by ``[REDACTED]``."""
    return redaction.redact_text(text, secrets)


def redact_bytes(data: bytes, secrets: Iterable[str]) -> bytes:
    """``data`` with every form of each secret replaced by ``[REDACTED]``."""
    return redaction.redact_bytes(data, secrets)


def _head(items: list[Any]) -> list[Any]:
    """The first items of a long list whose compact JSON is over :data:`BODY_CAP`
    bytes: all a row keeps of it, so all that needs redacting. The row holds these
    items re-written with ``json.dumps`` (no shorter than compact), never the bytes
    as received (a number such as ``1e9`` is shorter there than re-written, so the
    received bytes' first ``BODY_CAP`` could reach past these items)."""
    size = 1
    for count, item in enumerate(items, 1):
        size += len(json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode(
            "utf-8", "surrogatepass")) + 1
        if size > BODY_CAP:
            return items[:count]
    return items


def _plain_url(url: str) -> str:
    """``url`` without user info and with query values left out (``?page&order``)."""
    try:
        parts = urlsplit(url)
        host = parts.netloc.rpartition("@")[2]
    except ValueError:
        return url.split("?", 1)[0]
    names = [p.partition("=")[0] for p in parts.query.split("&") if p]
    return urlunsplit((parts.scheme, host, parts.path, "&".join(names), ""))


def _error_summary(error: object) -> str:
    """What ``metadata`` mode keeps of an error: its class, its kind or Heroku id."""
    name = type(error).__name__
    detail = getattr(error, "kind", None) or getattr(error, "id", None)
    if isinstance(detail, str) and _ERROR_ID.match(detail.replace("-", "_")):
        return f"{name} ({detail})"
    return name


class History:
    """The history database. Never raises from :meth:`record`.

    ``mode`` is ``"redacted"`` (the default), ``"full"`` or ``"metadata"`` (see the
    module docs); ``"off"`` opens nothing and leaves history off. ``spec`` (or
    :meth:`use_schema` later) tells which fields the schema marks write-only.
    """

    def __init__(self, path: Path | None = None, *, mode: str = "redacted",
                 max_rows: int = 5000, secrets: Iterable[str] = (),
                 spec: ApiSpec | None = None) -> None:
        if mode not in HISTORY_MODES and mode != "off":
            raise ValueError(f"unknown history mode {mode!r}; use one of "
                             f"{', '.join(HISTORY_MODES)} or off")
        self.path = path if path is not None else data_dir() / HISTORY_FILE
        self.mode = mode
        self.max_rows = max_rows
        self.secrets: tuple[str, ...] = ()
        self.add_secrets(secrets)
        self.write_only: dict[str, frozenset[str]] = {}
        if spec is not None:
            self.use_schema(spec)
        self.enabled = False
        self.disabled_reason: str | None = None
        self._db: sqlite3.Connection | None = None
        if mode == "off":
            self.disabled_reason = "History is off (the history setting is off)."
            return
        try:
            db = history_db.open_database(self.path)
        except (OSError, sqlite3.Error) as exc:
            self._disable(exc)
        else:
            self._db = db
            self.enabled = True

    def _disable(self, exc: Exception) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.enabled = False
        where = visible(redaction.redact_text(str(self.path), self.secrets), single_line=True)
        reason = visible(redaction.redact_text(reason, self.secrets), single_line=True)
        self.disabled_reason = f"History is off: cannot write {where} ({reason})."
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Also redact these strings (longest first) from everything written."""
        merged = set(self.secrets) | {s for s in secrets if s}
        self.secrets = tuple(sorted(merged, key=len, reverse=True))

    def use_schema(self, spec: ApiSpec) -> None:
        """Learn, for each action of ``spec``, the fields the schema marks write-only
        (``writeOnly``, or the 2013 manifest's ``serialized: false``): rows of that
        action keep none of their values (``redacted`` mode)."""
        found: dict[str, frozenset[str]] = {}
        for resource in spec.resources:
            shared = {a.name for a in resource.walk_attributes() if a.write_only}
            for action in resource.actions:
                names = set(shared)
                for param in action.body_params:
                    names.update(a.name for a in param.doc.walk() if a.write_only)
                    if param.doc.write_only:
                        names.add(param.name)
                names.discard("[]")
                names.discard("*")
                if names:
                    found[action.id] = frozenset(names)
        self.write_only = found

    # -- what a row holds -------------------------------------------------------

    def _headers(self, headers: Iterable[tuple[str, str]]) -> str:
        sec = self.secrets
        clean: list[tuple[str, str]] = []
        for name, value in headers:
            shown = redaction.redact_text(name, sec)
            if self.mode == "metadata":
                clean.append((shown, ""))
            elif self.mode == "full":
                clean.append((shown, REDACTED if name.lower() in _FULL_SECRET_HEADERS
                              else redaction.redact_text(value, sec)))
            elif redaction.is_secret_header(name):
                clean.append((shown, REDACTED))
            else:
                clean.append((shown, redaction.redact_urls(value, sec)))
        return json.dumps(clean)

    def _text(self, value: object) -> str | None:
        if value is None:
            return None
        if self.mode == "full":
            return redaction.redact_text(str(value), self.secrets)
        return redaction.redact_urls(str(value), self.secrets)

    def _body(self, data: bytes, parsed: Any, *, config_vars: bool,
              write_only: frozenset[str], error_body: bool) -> bytes:
        """One body, redacted for the mode (not capped)."""
        sec = self.secrets
        if self.mode == "full" or not data:
            return redaction.redact_bytes(data, sec)
        names = write_only.__contains__ if write_only else None
        if parsed is None:
            try:
                parsed = json.loads(data)
            except (ValueError, RecursionError):
                parsed = None
        if parsed is None:
            if config_vars:
                return REDACTED.encode()
            return redaction.redact_bytes(data, sec)
        # An error answer from a config-var URL is a Heroku error body, not the map.
        as_map = config_vars and not (error_body and isinstance(parsed, dict)
                                      and set(parsed) <= {"id", "message", "url"})
        whole = True
        if isinstance(parsed, list) and len(data) > BODY_CAP:
            head = _head(parsed)
            whole = len(head) == len(parsed)
            parsed = head
        try:
            clean = redaction.redact_json(parsed, secrets=sec, config_vars=as_map,
                                          secret_names=names)
        except RecursionError:
            return REDACTED.encode()
        if whole and clean == parsed:
            return redaction.redact_bytes(data, sec)
        return json.dumps(clean, ensure_ascii=False).encode("utf-8", "surrogatepass")

    def _row(self, exchange: Exchange) -> tuple[object, ...]:
        sec = self.secrets
        request_body = exchange.request_body
        request_size = len(request_body) if request_body is not None else 0
        metadata = self.mode == "metadata"
        if metadata:
            url = redaction.redact_text(_plain_url(exchange.url), sec)
            body: bytes = b""
            stored_request: bytes | None = None
        else:
            url = (redaction.redact_text(exchange.url, sec) if self.mode == "full"
                   else redaction.redact_url(exchange.url, sec))
            config_vars = redaction.is_config_var_path(urlsplit(exchange.url).path)
            write_only = self.write_only.get(exchange.action_id or "", frozenset())
            parsed = exchange.data if exchange.body_state == "json" else None
            body = self._body(exchange.body, parsed, config_vars=config_vars,
                              write_only=write_only,
                              error_body=(exchange.status or 0) >= 400)
            stored_request = (self._body(request_body, None, config_vars=config_vars,
                                         write_only=write_only, error_body=False)
                              if request_body is not None else None)
        kept = body[:BODY_CAP]
        kept_request = stored_request[:BODY_CAP] if stored_request is not None else None
        body_truncated = (not metadata and (len(body) > BODY_CAP
                                            or exchange.size > len(exchange.body)))
        request_truncated = (stored_request is not None and len(stored_request) > BODY_CAP)
        try:
            path = urlsplit(url).path
        except ValueError:
            path = url
        if metadata:
            error = _error_summary(exchange.error) if exchange.error is not None else None
            etag = content_range = next_range = None
        else:
            error = self._text(exchange.error)
            etag, content_range, next_range = (self._text(exchange.etag),
                                               self._text(exchange.content_range),
                                               self._text(exchange.next_range))
        return (
            exchange.started_at or time.time(), exchange.method, url, path,
            exchange.status, self._text(exchange.reason), self._text(exchange.request_id),
            exchange.elapsed_ms, exchange.size, exchange.body_state,
            self._headers(exchange.request_headers), kept_request,
            self._headers(exchange.headers), kept, int(body_truncated), etag,
            int(exchange.not_modified), int(exchange.from_cache), content_range,
            next_range, error, self._text(exchange.action_id),
            request_size, int(request_truncated), self.mode,
        )

    def record(self, exchange: Exchange) -> int | None:
        """Store ``exchange``; its row id, or ``None`` when history is off."""
        if self._db is None:
            return None
        try:
            row = self._row(exchange)
        except (ValueError, TypeError, RecursionError, UnicodeError):
            return None
        try:
            cur = self._db.execute(
                f"INSERT INTO exchanges ({history_db.COLUMNS.partition(', ')[2]}) "
                f"VALUES ({', '.join('?' * len(row))})", row)
            row_id = cur.lastrowid
            if row_id is not None and row_id > self.max_rows:
                self._db.execute("DELETE FROM exchanges WHERE id <= ?", (row_id - self.max_rows,))
        except sqlite3.Error as exc:
            self._disable(exc)
            return None
        return row_id

    def search(self, *, path: str | None = None, status: int | str | None = None,
               request_id: str | None = None, method: str | None = None,
               limit: int = 100) -> list[HistoryEntry]:
        """Newest first. ``path`` matches a substring, ``status`` a code or a class
        (``"4xx"``), ``request_id`` a prefix."""
        if self._db is None:
            return []
        where: list[str] = []
        args: list[Any] = []
        if path:
            where.append("path LIKE ? ESCAPE '\\'")
            escaped = path.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args.append(f"%{escaped}%")
        if isinstance(status, str) and len(status) == 3 and status[1:].lower() == "xx":
            where.append("status BETWEEN ? AND ?")
            args.extend([int(status[0]) * 100, int(status[0]) * 100 + 99])
        elif status is not None:
            where.append("status = ?")
            args.append(int(status))
        if request_id:
            where.append("request_id LIKE ?")
            args.append(request_id.replace("%", "") + "%")
        if method:
            where.append("method = ?")
            args.append(method.upper())
        sql = f"SELECT {history_db.COLUMNS} FROM exchanges"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        try:
            return [history_db.entry_from_row(r) for r in self._db.execute(sql, args).fetchall()]
        except sqlite3.Error:
            return []

    def get(self, entry_id: int) -> HistoryEntry | None:
        if self._db is None:
            return None
        row = self._db.execute(f"SELECT {history_db.COLUMNS} FROM exchanges WHERE id = ?",
                               (entry_id,)).fetchone()
        return history_db.entry_from_row(row) if row else None

    def count(self) -> int:
        if self._db is None:
            return 0
        return int(self._db.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0])

    def clear(self) -> None:
        if self._db is not None:
            self._db.execute("DELETE FROM exchanges")

    def close(self) -> None:
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None
