"""The sandbox's state: collections of JSON objects keyed by resource and parent.

Every object lives once, in the collection of its resource, with the ids of the
objects it was created under (``parents``: ``{"app": "<uuid>"}`` for an add-on
created through ``/apps/{app}/addons``). Nested lists filter on those parents.

The working set is always in memory, so reads never touch the disk. With a
``path`` the store is also written through to SQLite (WAL): every request that
changes something runs inside :meth:`Store.transaction`, which commits exactly
one SQLite transaction before the response is sent, so a restart, or a kill
once a 2xx came back, loses nothing. A failed request rolls back both layers.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Record", "Store", "encode"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS objects (
    resource TEXT NOT NULL,
    id TEXT NOT NULL,
    seq INTEGER NOT NULL,
    parents TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (resource, id)
);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


def encode(data: Any) -> bytes:
    """Compact JSON, as every representation is written."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


@dataclass(slots=True)
class Record:
    """One stored object: its JSON representation and where it was created.

    A stored record is replaced on every change, never edited in place, so its
    encoded form is computed once (:meth:`json`).
    """

    id: str
    data: dict[str, Any]
    parents: dict[str, str] = field(default_factory=dict)
    seq: int = 0
    _json: bytes | None = field(default=None, repr=False, compare=False)

    def json(self) -> bytes:
        if self._json is None:
            self._json = encode(self.data)
        return self._json

    def within(self, scope: dict[str, str]) -> bool:
        """Does this object belong under every parent named in ``scope``?"""
        return all(self.parents.get(key) == value for key, value in scope.items())


_Undo = tuple[str, str, Record | None]


class Store:
    """In-memory collections, optionally persisted to SQLite at ``path``."""

    def __init__(self, path: str | os.PathLike[str] | None = None) -> None:
        self._collections: dict[str, dict[str, Record]] = {}
        self._meta: dict[str, str] = {}
        self._seq = 0
        self._undo: list[_Undo] | None = None
        self._dirty: dict[tuple[str, str], Record | None] = {}
        self._dirty_meta: dict[str, str] = {}
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self.path = Path(path) if path is not None else None
        if self.path is not None:
            self._db = _open_db(self.path)
            self._load()

    # -- reading ------------------------------------------------------------

    def collection(self, resource: str) -> dict[str, Record]:
        """The live mapping id -> record of one resource (do not mutate it)."""
        return self._collections.get(resource, {})

    def records(self, resource: str, scope: dict[str, str] | None = None) -> list[Record]:
        """The records of ``resource`` under ``scope``, in insertion order."""
        items = self._collections.get(resource, {}).values()
        if not scope:
            return list(items)
        return [rec for rec in items if rec.within(scope)]

    def get(self, resource: str, id: str) -> Record | None:
        return self._collections.get(resource, {}).get(id)

    def count(self, resource: str | None = None) -> int:
        if resource is not None:
            return len(self._collections.get(resource, {}))
        return sum(len(c) for c in self._collections.values())

    def meta(self, key: str, default: str | None = None) -> str | None:
        return self._meta.get(key, default)

    # -- writing ------------------------------------------------------------

    def put(self, resource: str, record: Record) -> Record:
        """Insert or replace ``record`` (a new one gets the next sequence number)."""
        coll = self._collections.setdefault(resource, {})
        old = coll.get(record.id)
        if old is None:
            self._seq += 1
            record.seq = self._seq
        else:
            record.seq = old.seq
        self._remember(resource, record.id, old)
        coll[record.id] = record
        self._dirty[(resource, record.id)] = record
        return record

    def delete(self, resource: str, id: str) -> Record | None:
        """Remove one record and, recursively, every record created under it."""
        coll = self._collections.get(resource, {})
        old = coll.pop(id, None)
        if old is None:
            return None
        self._remember(resource, id, old)
        self._dirty[(resource, id)] = None
        for other, records in list(self._collections.items()):
            children = [rec.id for rec in records.values() if rec.parents.get(resource) == id]
            for child in children:
                self.delete(other, child)
        return old

    def set_meta(self, key: str, value: str) -> None:
        self._meta[key] = value
        self._dirty_meta[key] = value

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Group the changes of one request: committed together, or not at all."""
        with self._lock:
            if self._undo is not None:  # nested: the outer transaction commits
                yield self
                return
            self._undo = []
            meta_before = dict(self._meta)
            seq_before = self._seq
            try:
                yield self
                self._flush()
            except BaseException:
                for resource, id, old in reversed(self._undo):
                    coll = self._collections.setdefault(resource, {})
                    if old is None:
                        coll.pop(id, None)
                    else:
                        coll[id] = old
                self._meta = meta_before
                self._seq = seq_before
                self._dirty.clear()
                self._dirty_meta.clear()
                raise
            finally:
                self._undo = None

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- internals ----------------------------------------------------------

    def _remember(self, resource: str, id: str, old: Record | None) -> None:
        if self._undo is not None:
            self._undo.append((resource, id, old))
        elif self._db is not None:
            raise RuntimeError("a persisted store changes only inside transaction()")

    def _flush(self) -> None:
        dirty, meta = self._dirty, self._dirty_meta
        self._dirty, self._dirty_meta = {}, {}
        if self._db is None or not (dirty or meta):
            return
        db = self._db
        try:
            db.execute("BEGIN IMMEDIATE")
            for (resource, id), rec in dirty.items():
                if rec is None:
                    db.execute("DELETE FROM objects WHERE resource = ? AND id = ?", (resource, id))
                else:
                    db.execute(
                        "INSERT OR REPLACE INTO objects (resource, id, seq, parents, data) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (resource, id, rec.seq, json.dumps(rec.parents), rec.json()),
                    )
            for key, value in meta.items():
                db.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))
            db.execute("COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise

    def _load(self) -> None:
        assert self._db is not None
        rows = self._db.execute(
            "SELECT resource, id, seq, parents, data FROM objects ORDER BY seq"
        ).fetchall()
        for resource, id, seq, parents, data in rows:
            rec = Record(id=id, data=json.loads(data), parents=json.loads(parents), seq=seq)
            self._collections.setdefault(resource, {})[id] = rec
            self._seq = max(self._seq, seq)
        for key, value in self._db.execute("SELECT key, value FROM meta"):
            self._meta[key] = value


def _open_db(path: Path) -> sqlite3.Connection:
    """Open (creating it private: 0600 in a 0700 directory) the SQLite state file."""
    parent = path.parent
    if not parent.exists():
        parent.mkdir(mode=0o700, parents=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    os.chmod(path, 0o600)
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    db.execute("PRAGMA journal_mode=WAL")
    # NORMAL is durable against a killed process in WAL mode: the commit has
    # reached the operating system before the response is sent.
    db.execute("PRAGMA synchronous=NORMAL")
    db.executescript(_SCHEMA)
    return db
