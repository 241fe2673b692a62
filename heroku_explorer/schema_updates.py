"""Today's schema, off the critical path: the cached public ``/schema`` and its revalidation.

``GET <api>/schema`` needs no token, so every front end can run on today's schema:
at start the copy cached for the chosen variant is used at once (or the bundled 2013
manifest when there is none), and :class:`SchemaUpdate` fetches or revalidates it in
the background, after the first frame or prompt, never with ``Authorization``.

For the front ends (:attr:`heroku_explorer.runtime.Setup.schema_update`; ``None``
when the person named a schema with ``--schema``)::

    update = setup.schema_update
    update.state        # "idle" (not started), "fetching", "current" (the schema in
                        # use is today's), "changed" (a different schema arrived:
                        # new_spec and summary are set), "failed" (message says why
                        # in one sentence) or "offline" (never fetches)
    update.source       # one line on the schema in use: "bundled 2013 manifest",
                        # "cached 2026-11-30 14:02 (api.heroku.com, variant 3)"
    update.host         # the host asked, for "loading the schema from <host>..."
    update.on_change = callback   # called once, on the event loop, when state
                                  # becomes "changed", "current" or "failed"
    task = asyncio.create_task(update.run())   # after the first frame or prompt;
                                               # never raises, ends within the timeout
    update.new_spec     # ApiSpec to offer (a key in the TUI, a command in the REPL);
    update.new_bytes    # its bytes (the sandbox serves them as its /schema)
    update.summary      # the change summary (plain text, names made visible)

The tree is never swapped by this module: a front end offers the switch, and the next
start uses the cached copy directly. Every string in :attr:`source`, :attr:`message`
and :attr:`summary` has gone through :func:`heroku_explorer.safe_text.visible`.
"""

from __future__ import annotations

import asyncio
import datetime as _dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.client.cache import CachedSchema
    from heroku_explorer.client.live_schema import SchemaDocument
    from heroku_explorer.schema.model import ApiSpec

__all__ = ["BUNDLED_SOURCE", "UPDATE_HINT", "SchemaUpdate", "State", "cached_schema",
           "describe_cached", "fetch_public_schema", "schema_url"]

State = Literal["idle", "fetching", "current", "changed", "failed", "offline"]

BUNDLED_SOURCE = "bundled 2013 manifest"
UPDATE_HINT = "`heroku-explorer schema --update` fetches today's schema"


def schema_url(base_url: str) -> str:
    """The public schema's URL under an API base URL."""
    return f"{base_url.rstrip('/')}/schema"


def _host(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or url
    return f"{host}:{parts.port}" if parts.port else host


def cached_schema(cache_dir: Path | None, url: str, variant: str) -> CachedSchema | None:
    """The copy of ``url`` cached for ``variant``, or ``None`` (read from disk only)."""
    if cache_dir is None:
        return None
    from heroku_explorer.client.cache import SchemaCache

    return SchemaCache(cache_dir / "schema").load(url, variant)


def describe_cached(cached: CachedSchema) -> str:
    """``cached 2026-11-30 14:02 (api.heroku.com, variant 3)``."""
    when = _dt.datetime.fromtimestamp(cached.fetched_at).strftime("%Y-%m-%d %H:%M")
    return visible(f"cached {when} ({_host(cached.url)}, variant {cached.variant})",
                   single_line=True)


async def fetch_public_schema(url: str, variant: str, timeout: float,
                              cache_dir: Path | None) -> SchemaDocument:
    """``GET url`` with the variant's Accept, no token, and ``If-None-Match`` when
    cached; the answer is cached with its ETag. Raises
    :class:`~heroku_explorer.errors.SchemaError` with neither an answer nor a cache."""
    from heroku_explorer.client import HerokuClient

    base = url.rsplit("/", 1)[0]
    async with HerokuClient(base, None, variant=variant, timeout=timeout,
                            cache_dir=cache_dir) as client:
        return await client.fetch_schema(variant, url=url)


@dataclass(eq=False)
class SchemaUpdate:
    """The background fetch of today's schema (see the module docs)."""

    url: str
    variant: str
    timeout: float
    cache_dir: Path | None
    current: Callable[[], ApiSpec]
    """The schema in use (loaded on first call)."""
    current_sha256: str | None
    """The digest of the bytes in use; ``None`` for the bundled manifest."""
    source: str = BUNDLED_SOURCE
    state: State = "idle"
    message: str | None = None
    new_spec: ApiSpec | None = None
    new_bytes: bytes | None = None
    summary: str | None = None
    on_change: Callable[[SchemaUpdate], None] | None = None
    _ran: bool = field(default=False, repr=False)

    @property
    def host(self) -> str:
        return visible(_host(self.url), single_line=True)

    async def run(self) -> None:
        """Fetch or revalidate once; never raises; ends within the timeout (plus the
        time to load a schema that changed)."""
        if self.state == "offline" or self._ran:
            return
        self._ran = True
        self.state = "fetching"
        try:
            async with asyncio.timeout(self.timeout + 1.0):
                doc = await fetch_public_schema(self.url, self.variant, self.timeout,
                                                self.cache_dir)
            await self._settle(doc)
        except asyncio.CancelledError:
            self.state = "failed"
            self.message = "The schema fetch was stopped."
            raise
        except TimeoutError:
            self._fail(f"{self.host} did not send the schema within {self.timeout:g} seconds.")
        except Exception as exc:  # the fetch is a courtesy: it never stops a front end
            from heroku_explorer.errors import ExplorerError

            self._fail(str(exc) if isinstance(exc, ExplorerError)
                       else f"The schema from {self.host} could not be used "
                            f"({type(exc).__name__}).")
        self._changed()

    def _fail(self, why: str) -> None:
        self.state = "failed"
        self.message = visible(why, single_line=True)

    async def _settle(self, doc: SchemaDocument) -> None:
        if doc.source == "cache":  # no answer: the cached copy is what is in use
            self._fail(doc.notice or f"{self.host} could not be asked for the schema.")
            return
        if doc.source == "revalidated" or (
                self.current_sha256 == hashlib.sha256(doc.data).hexdigest()):
            self.state = "current"
            return
        from heroku_explorer.schema import load_schema
        from heroku_explorer.schema.diff import diff_specs

        def load() -> tuple[ApiSpec, str]:
            spec = load_schema(doc.data, origin=doc.url, variant=doc.variant)
            return spec, diff_specs(self.current(), spec).summary()

        spec, summary = await asyncio.to_thread(load)
        self.new_spec, self.new_bytes, self.summary = spec, doc.data, summary
        self.state = "changed"

    def _changed(self) -> None:
        if self.on_change is not None:
            try:
                self.on_change(self)
            except Exception as exc:
                self._fail(f"The schema notice failed ({type(exc).__name__}).")
