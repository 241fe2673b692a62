"""The history's SQLite file and its rows.

The file is created 0600 without following a symbolic link (nor may its ``-wal``,
``-shm`` and ``-journal`` companions be links), switched to write-ahead logging with
a busy timeout so that two processes can write at once, and given the columns added
since the first release. A row reads back as a :class:`HistoryEntry`.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heroku_explorer.paths import ensure_dir, open_private, refuse_link

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange

__all__ = ["BODY_CAP", "COLUMNS", "HistoryEntry", "entry_from_row", "open_database"]

#: Bytes of a request or response body kept per row.
BODY_CAP = 64 * 1024
_COMPANIONS = ("-wal", "-shm", "-journal")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    ts REAL NOT NULL, method TEXT NOT NULL, url TEXT NOT NULL, path TEXT NOT NULL,
    status INTEGER, reason TEXT, request_id TEXT, elapsed_ms REAL, size INTEGER,
    body_state TEXT, request_headers TEXT, request_body BLOB, response_headers TEXT,
    response_body BLOB, body_truncated INTEGER, etag TEXT, not_modified INTEGER,
    from_cache INTEGER, content_range TEXT, next_range TEXT, error TEXT, action_id TEXT,
    request_size INTEGER, request_body_truncated INTEGER, redaction TEXT
);
CREATE INDEX IF NOT EXISTS exchanges_path ON exchanges(path);
CREATE INDEX IF NOT EXISTS exchanges_request_id ON exchanges(request_id);
CREATE INDEX IF NOT EXISTS exchanges_status ON exchanges(status);
"""
# Columns added after the first release: added to an older database on open.
_ADDED = (("request_size", "INTEGER"), ("request_body_truncated", "INTEGER"),
          ("redaction", "TEXT"))
#: The columns of a row, in the order :func:`entry_from_row` reads them.
COLUMNS = ("id, ts, method, url, path, status, reason, request_id, elapsed_ms, size, body_state, "
           "request_headers, request_body, response_headers, response_body, body_truncated, "
           "etag, not_modified, from_cache, content_range, next_range, error, action_id, "
           "request_size, request_body_truncated, redaction")


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


def _add_columns(db: sqlite3.Connection) -> None:
    have = {row[1] for row in db.execute("PRAGMA table_info(exchanges)")}
    for name, kind in _ADDED:
        if name not in have:
            try:
                db.execute(f"ALTER TABLE exchanges ADD COLUMN {name} {kind}")
            except sqlite3.OperationalError as exc:  # another process added it first
                if "duplicate column" not in str(exc):
                    raise


def _private_file(path: Path) -> None:
    """Create ``path`` (0600) if it is missing, without following a symbolic link;
    refuse one that is a link, not a regular file, or another user's."""
    os.close(open_private(path, os.O_CREAT | os.O_RDWR))



def open_database(path: Path) -> sqlite3.Connection:
    """The history database at ``path``, created if missing and brought up to date;
    ``OSError`` or ``sqlite3.Error`` when it cannot be (a link, another user's...)."""
    ensure_dir(path.parent)
    for suffix in _COMPANIONS:
        refuse_link(Path(f"{path}{suffix}"), must_exist=False)
    _private_file(path)
    db = sqlite3.connect(path, timeout=10.0, isolation_level=None, check_same_thread=False)
    try:
        db.execute("PRAGMA busy_timeout = 10000")
        _set_wal(db)
        db.execute("PRAGMA synchronous = NORMAL")
        db.executescript(_SCHEMA)
        _add_columns(db)
    except BaseException:
        db.close()
        raise
    return db


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
    request_size: int = 0
    """Bytes in the whole request body."""
    request_body_truncated: bool = False
    """``request_body`` holds only the first :data:`BODY_CAP` bytes."""
    redaction: str = ""
    """The mode the row was written in (empty for rows older than the modes)."""

    def to_exchange(self) -> Exchange:
        """This row as an :class:`~heroku_explorer.client.response.Exchange` (as
        redacted as the row), for the views that show an answer."""
        from heroku_explorer.client.response import Exchange, classify_body
        from heroku_explorer.protocol import HeaderName, header_value

        ctype = header_value(self.response_headers, HeaderName.CONTENT_TYPE)
        state, data = classify_body(self.response_body, ctype, len(self.response_body))
        if self.body_truncated and state != "json":
            state = "text"
        return Exchange(
            method=self.method, url=self.url, request_headers=self.request_headers,
            request_body=self.request_body, status=self.status, reason=self.reason,
            headers=self.response_headers, body=self.response_body, body_state=state,
            size=self.size, elapsed_ms=self.elapsed_ms, request_id=self.request_id,
            etag=self.etag, content_range=self.content_range, next_range=self.next_range,
            not_modified=self.not_modified, from_cache=self.from_cache,
            action_id=self.action_id, started_at=self.ts, data=data,
            authenticated=header_value(self.request_headers,
                                       HeaderName.AUTHORIZATION) is not None,
        )

    def incomplete(self) -> str | None:
        """Why this row does not hold the whole request, so that it cannot be sent
        again from the row alone (one sentence), or ``None``.

        A row kept in ``metadata`` mode holds no body or header values; a capped
        request body is cut off. (Values kept as ``[REDACTED]`` are the business of
        ``policy.resend_refusal``, which reads the URL, headers and body.)"""
        if self.redaction == "metadata":
            return ("Not sent: this request was recorded without its body and header "
                    "values (history mode metadata).")
        if self.request_body_truncated:
            return (f"Not sent: only the first {BODY_CAP // 1024} KB of this request's body "
                    "were recorded.")
        return None

def _pairs(text: str | None) -> tuple[tuple[str, str], ...]:
    return tuple((str(k), str(v)) for k, v in json.loads(text or "[]"))


def entry_from_row(r: tuple[Any, ...]) -> HistoryEntry:
    """A row selected with :data:`COLUMNS`, as a :class:`HistoryEntry`."""
    return HistoryEntry(
        id=r[0], ts=r[1], method=r[2], url=r[3], path=r[4], status=r[5], reason=r[6] or "",
        request_id=r[7], elapsed_ms=r[8] or 0.0, size=r[9] or 0, body_state=r[10] or "",
        request_headers=_pairs(r[11]), request_body=r[12], response_headers=_pairs(r[13]),
        response_body=r[14] or b"", body_truncated=bool(r[15]), etag=r[16],
        not_modified=bool(r[17]), from_cache=bool(r[18]), content_range=r[19],
        next_range=r[20], error=r[21], action_id=r[22], request_size=r[23] or 0,
        request_body_truncated=bool(r[24]), redaction=r[25] or "",
    )
