"""A persisted, searchable, redacted history of exchanges.

SQLite in the user data directory (``history.sqlite3``), mode 0600 in a 0700
folder, write-ahead logging and a busy timeout so that two processes (a TUI and
a REPL) can write at once. The newest ``max_rows`` rows are kept.

Before anything is written the ``Authorization`` header is replaced and every
occurrence of each secret (the token and its encoded forms) is removed from
URLs, headers, bodies and error text. A data directory that cannot be written
turns history off (``enabled`` False, ``disabled_reason`` a sentence for the
UI); it never crashes a send.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from heroku_explorer.client.response import Exchange
from heroku_explorer.paths import data_dir, ensure_dir

__all__ = ["HISTORY_FILE", "REDACTED", "History", "HistoryEntry", "redact", "redact_bytes"]

HISTORY_FILE = "history.sqlite3"
REDACTED = "[REDACTED]"
_SECRET_HEADERS = frozenset({"authorization", "proxy-authorization", "heroku-two-factor-code",
                             "cookie", "set-cookie"})
#: Bytes of a response body kept per row.
BODY_CAP = 64 * 1024

_SCHEMA = """
CREATE TABLE IF NOT EXISTS exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL, path TEXT NOT NULL,
    status INTEGER, reason TEXT, request_id TEXT, elapsed_ms REAL, size INTEGER,
    body_state TEXT, request_headers TEXT, request_body BLOB, response_headers TEXT,
    response_body BLOB, body_truncated INTEGER, etag TEXT, not_modified INTEGER,
    from_cache INTEGER, content_range TEXT, next_range TEXT, error TEXT, action_id TEXT
);
CREATE INDEX IF NOT EXISTS exchanges_path ON exchanges(path);
CREATE INDEX IF NOT EXISTS exchanges_request_id ON exchanges(request_id);
CREATE INDEX IF NOT EXISTS exchanges_status ON exchanges(status);
"""
_COLUMNS = ("id, ts, method, url, path, status, reason, request_id, elapsed_ms, size, body_state, "
            "request_headers, request_body, response_headers, response_body, body_truncated, "
            "etag, not_modified, from_cache, content_range, next_range, error, action_id")


def _set_wal(db: sqlite3.Connection, attempts: int = 100) -> None:
    """Switch to WAL. SQLite does not apply the busy timeout to this pragma, so a
    database another process is creating right now is retried for up to ~5 s."""
    for attempt in range(attempts):
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


def redact(text: str, secrets: Iterable[str]) -> str:
    for secret in secrets:
        if secret and secret in text:
            text = text.replace(secret, REDACTED)
    return text


def redact_bytes(data: bytes, secrets: Iterable[str]) -> bytes:
    for secret in secrets:
        raw = secret.encode("utf-8")
        if raw and raw in data:
            data = data.replace(raw, REDACTED.encode())
    return data


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One stored exchange (already redacted)."""

    id: int
    ts: float
    method: str
    url: str
    path: str
    status: int | None
    reason: str
    request_id: str | None
    elapsed_ms: float
    size: int
    body_state: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes | None
    response_headers: tuple[tuple[str, str], ...]
    response_body: bytes
    body_truncated: bool
    etag: str | None
    not_modified: bool
    from_cache: bool
    content_range: str | None
    next_range: str | None
    error: str | None
    action_id: str | None


class History:
    """The history database. Never raises from :meth:`record`."""

    def __init__(self, path: Path | None = None, *, max_rows: int = 5000,
                 secrets: Iterable[str] = (), mode: str = "redacted") -> None:
        self.path = path if path is not None else data_dir() / HISTORY_FILE
        self.mode = mode
        self.max_rows = max_rows
        self.secrets: tuple[str, ...] = ()
        self.add_secrets(secrets)
        self.enabled = False
        self.disabled_reason: str | None = None
        self._db: sqlite3.Connection | None = None
        try:
            ensure_dir(self.path.parent)
            fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o600)
            os.close(fd)
            os.chmod(self.path, 0o600)
            db = sqlite3.connect(self.path, timeout=10.0, isolation_level=None,
                                 check_same_thread=False)
            db.execute("PRAGMA busy_timeout = 10000")
            _set_wal(db)
            db.execute("PRAGMA synchronous = NORMAL")
            db.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            self._disable(exc)
        else:
            self._db = db
            self.enabled = True

    def _disable(self, exc: Exception) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.enabled = False
        self.disabled_reason = f"History is off: cannot write {self.path} ({reason})."
        if self._db is not None:
            with contextlib.suppress(sqlite3.Error):
                self._db.close()
            self._db = None

    def add_secrets(self, secrets: Iterable[str]) -> None:
        """Also redact these strings (longest first) from everything written."""
        merged = set(self.secrets) | {s for s in secrets if s}
        self.secrets = tuple(sorted(merged, key=len, reverse=True))

    def _headers(self, headers: Iterable[tuple[str, str]]) -> str:
        clean = [(k, REDACTED if k.lower() in _SECRET_HEADERS else redact(v, self.secrets))
                 for k, v in headers]
        return json.dumps(clean)

    def record(self, exchange: Exchange) -> int | None:
        """Store ``exchange``; its row id, or ``None`` when history is off."""
        if self._db is None:
            return None
        from urllib.parse import urlsplit

        sec = self.secrets
        url = redact(exchange.url, sec)
        body = redact_bytes(exchange.body[:BODY_CAP], sec)
        request_body = (redact_bytes(exchange.request_body, sec)
                        if exchange.request_body is not None else None)
        def text(value: object) -> str | None:
            return redact(str(value), sec) if value is not None else None

        row = (
            exchange.started_at or time.time(), exchange.method, url, urlsplit(url).path,
            exchange.status, text(exchange.reason), text(exchange.request_id),
            exchange.elapsed_ms, exchange.size, exchange.body_state,
            self._headers(exchange.request_headers), request_body,
            self._headers(exchange.headers), body,
            int(exchange.size > len(exchange.body[:BODY_CAP])), text(exchange.etag),
            int(exchange.not_modified), int(exchange.from_cache), text(exchange.content_range),
            text(exchange.next_range), text(exchange.error), text(exchange.action_id),
        )
        try:
            cur = self._db.execute(
                f"INSERT INTO exchanges ({_COLUMNS.partition(', ')[2]}) "
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
        sql = f"SELECT {_COLUMNS} FROM exchanges"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC LIMIT ?"
        args.append(limit)
        try:
            return [_entry(r) for r in self._db.execute(sql, args).fetchall()]
        except sqlite3.Error:
            return []

    def get(self, entry_id: int) -> HistoryEntry | None:
        if self._db is None:
            return None
        row = self._db.execute(f"SELECT {_COLUMNS} FROM exchanges WHERE id = ?",
                               (entry_id,)).fetchone()
        return _entry(row) if row else None

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


def _pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in json.loads(text or "[]"))


def _entry(r: tuple[Any, ...]) -> HistoryEntry:
    return HistoryEntry(
        id=r[0], ts=r[1], method=r[2], url=r[3], path=r[4], status=r[5], reason=r[6] or "",
        request_id=r[7], elapsed_ms=r[8] or 0.0, size=r[9] or 0, body_state=r[10] or "",
        request_headers=_pairs(r[11]), request_body=r[12], response_headers=_pairs(r[13]),
        response_body=r[14] or b"", body_truncated=bool(r[15]), etag=r[16],
        not_modified=bool(r[17]), from_cache=bool(r[18]), content_range=r[19],
        next_range=r[20], error=r[21], action_id=r[22],
    )
