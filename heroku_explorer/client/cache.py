"""ETag caches.

:class:`ETagCache` remembers, in memory, the last representation of every
response that carried an ``ETag``, keyed by method, URL, ``Range``, ``Accept``
variant and identity (a one-way fingerprint of the token, never the token), so
that a revalidation can send ``If-None-Match`` and turn a ``304`` into the body
it stands for. API responses are never written to disk.

:class:`SchemaCache` keeps the live schema (fetched without a token) on disk in
the user cache directory, with its ETag, so that it can be revalidated and used
offline.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from heroku_explorer.paths import atomic_write
from heroku_explorer.protocol import accept_variant

__all__ = ["CacheKey", "CachedResponse", "CachedSchema", "ETagCache", "SchemaCache"]


class CacheKey(NamedTuple):
    method: str
    url: str
    range: str | None
    variant: str
    identity: str

    @classmethod
    def of(cls, method: str, url: str, headers: tuple[tuple[str, str], ...],
           default_accept: str, default_variant: str, identity: str) -> CacheKey:
        """The key of a request: its Range and the variant its Accept asks for
        count, so each page and each variant is cached apart."""
        accept = range_ = None
        for name, value in headers:
            folded = name.lower()
            if folded == "accept":
                accept = value
            elif folded == "range":
                range_ = value
        variant = default_variant if accept is None or accept == default_accept else (
            accept_variant(accept) or default_variant)
        return cls(method, url, range_, variant, identity)


@dataclass(frozen=True, slots=True)
class CachedResponse:
    etag: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    stored_at: float


class ETagCache:
    """A bounded, least-recently-used map from :class:`CacheKey` to the last
    representation seen."""

    def __init__(self, max_entries: int = 512, max_bytes: int = 32 * 1024 * 1024) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: OrderedDict[CacheKey, CachedResponse] = OrderedDict()
        self._bytes = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: CacheKey) -> CachedResponse | None:
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def put(self, key: CacheKey, entry: CachedResponse) -> None:
        if len(entry.body) > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = entry
        self._bytes += len(entry.body)
        while len(self._entries) > self.max_entries or self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)

    def etag_for(self, method: str, url: str) -> str | None:
        """The newest ETag seen for ``method url`` under any range, variant or identity."""
        newest: CachedResponse | None = None
        for key, entry in self._entries.items():
            if key.method == method and key.url == url and (
                newest is None or entry.stored_at >= newest.stored_at
            ):
                newest = entry
        return newest.etag if newest is not None else None

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0


@dataclass(frozen=True, slots=True)
class CachedSchema:
    url: str
    variant: str
    data: bytes
    etag: str | None
    fetched_at: float
    path: Path


class SchemaCache:
    """The live schema on disk: ``<dir>/<host>-<variant>.json`` plus a ``.meta.json``
    holding its URL, ETag and fetch time. Files are 0600 in a 0700 folder."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def _paths(self, url: str, variant: str) -> tuple[Path, Path]:
        slug = re.sub(r"[^A-Za-z0-9.-]+", "_", url.split("://", 1)[-1]).strip("_")[:80]
        digest = hashlib.sha256(url.encode()).hexdigest()[:8]
        stem = f"{slug}-{digest}-v{re.sub(r'[^A-Za-z0-9.]+', '_', variant)}"
        return self.directory / f"{stem}.json", self.directory / f"{stem}.meta.json"

    def load(self, url: str, variant: str) -> CachedSchema | None:
        data_path, meta_path = self._paths(url, variant)
        try:
            meta = json.loads(meta_path.read_text("utf-8"))
            data = data_path.read_bytes()
        except (OSError, ValueError):
            return None
        if not isinstance(meta, dict) or meta.get("sha256") != hashlib.sha256(data).hexdigest():
            return None
        etag = meta.get("etag")
        fetched = meta.get("fetched_at")
        return CachedSchema(url=url, variant=variant, data=data,
                            etag=etag if isinstance(etag, str) else None,
                            fetched_at=float(fetched) if isinstance(fetched, int | float) else 0.0,
                            path=data_path)

    def store(self, url: str, variant: str, data: bytes, etag: str | None) -> CachedSchema:
        """Write the schema and its metadata; raises :class:`OSError` on failure."""
        data_path, meta_path = self._paths(url, variant)
        now = time.time()
        atomic_write(data_path, data)
        meta = {"url": url, "variant": variant, "etag": etag, "fetched_at": now,
                "sha256": hashlib.sha256(data).hexdigest()}
        atomic_write(meta_path, json.dumps(meta, indent=2).encode())
        return CachedSchema(url=url, variant=variant, data=data, etag=etag, fetched_at=now,
                            path=data_path)

    def touch(self, cached: CachedSchema) -> CachedSchema:
        """Record that ``cached`` was revalidated just now (a 304)."""
        return self.store(cached.url, cached.variant, cached.data, cached.etag)
