"""Which schema a start uses, decided without the network unless a URL is named:
a file, the bundled manifest, or the copy of today's public ``/schema`` cached for
the variant (with the :class:`~heroku_explorer.schema_updates.SchemaUpdate` that
revalidates it later)."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from heroku_explorer.errors import ExplorerError
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.client import Credentials
    from heroku_explorer.config import Config
    from heroku_explorer.schema.model import ApiSpec
    from heroku_explorer.schema_updates import SchemaUpdate

__all__ = ["OFFLINE_ENV", "bundled", "cached_sha", "fetch", "fetch_named", "load_named",
           "offline", "read_bytes", "schema_source", "todays_schema"]


def load_named(schema: str, args: argparse.Namespace) -> ApiSpec:
    from heroku_explorer.schema import load_path

    return load_path(schema, format=args.schema_format, lenient=args.lenient,
                     variant=getattr(args, "variant", None))


async def fetch(args: argparse.Namespace, url: str | None, base_url: str,
                 credentials: Credentials | None, variant: str,
                 timeout: float) -> tuple[ApiSpec, bytes, str]:
    """Fetch a schema over HTTP (``GET /schema`` or a URL), cached on disk."""
    from heroku_explorer.client import HerokuClient
    from heroku_explorer.schema import load_schema

    async with HerokuClient(base_url, credentials, variant=variant,
                            timeout=timeout) as client:
        doc = await client.fetch_schema(variant, url=url)
    spec = load_schema(doc.data, origin=doc.url, format=args.schema_format,
                       lenient=args.lenient, variant=doc.variant)
    return spec, doc.data, doc.notice or ""


def fetch_named(args: argparse.Namespace, base: str) -> ApiSpec:
    """For ``heroku-explorer schema --schema URL|live``: fetch (from ``base`` for
    "live") and load."""
    from heroku_explorer.client.auth import check_api_url

    url = None if args.schema == "live" else check_api_url(args.schema, "--schema", base=False)
    variant = getattr(args, "variant", None) or "3"
    timeout = getattr(args, "timeout", None) or 30.0
    spec, _, notice = asyncio.run(fetch(args, url, base, None, variant, timeout))
    if notice:
        print(f"heroku-explorer: {notice}", file=sys.stderr)
    return spec


#: Set (to anything but "" or "0") to never fetch the public schema, like --offline.
OFFLINE_ENV = "HEROKU_EXPLORER_OFFLINE"


def offline(args: argparse.Namespace, config: Config) -> bool:
    """``--offline``, ``offline = true`` in the config or ``HEROKU_EXPLORER_OFFLINE=1``:
    no schema is ever fetched."""
    env = os.environ.get(OFFLINE_ENV, "").strip()
    return bool(getattr(args, "offline", False)) or config.offline or env not in ("", "0")


def todays_schema(api: str, variant: str, timeout: float, notices: list[str], *,
                  offline: bool) -> tuple[Callable[[], tuple[ApiSpec, bytes | None]],
                                          SchemaUpdate]:
    """How to load the schema in use (the copy of ``<api>/schema`` cached for
    ``variant``, else the bundled manifest), read from disk only, and the
    :class:`SchemaUpdate` that fetches today's in the background."""
    from heroku_explorer.paths import cache_dir
    from heroku_explorer.schema_updates import (
        BUNDLED_SOURCE,
        UPDATE_HINT,
        SchemaUpdate,
        cached_schema,
        describe_cached,
        schema_url,
    )

    url = schema_url(api)
    directory = cache_dir()
    cached = cached_schema(directory, url, variant)
    loaded: list[tuple[ApiSpec, bytes | None]] = []

    def load() -> tuple[ApiSpec, bytes | None]:
        if loaded:
            return loaded[0]
        result = bundled()
        if cached is not None:
            from heroku_explorer.schema import load_schema

            try:
                result = (load_schema(cached.data, origin=cached.url, variant=variant),
                          cached.data)
            except ExplorerError as exc:
                update.source = BUNDLED_SOURCE
                update.current_sha256 = None
                notices.append(f"The cached schema cannot be used ({exc}); the bundled one "
                               f"is; {UPDATE_HINT}.")
        loaded.append(result)
        return result

    update = SchemaUpdate(
        url=url, variant=variant, timeout=timeout, cache_dir=directory,
        current=lambda: load()[0],
        current_sha256=cached_sha(cached.data) if cached is not None else None,
        source=describe_cached(cached) if cached is not None else BUNDLED_SOURCE,
        state="offline" if offline else "idle",
    )
    if offline and cached is None:
        notices.append(f"Offline, and no schema is cached: the bundled 2013 manifest is "
                       f"used; {UPDATE_HINT}.")
    return load, update


def schema_source(args: argparse.Namespace) -> str | None:
    """Where a schema named with ``--schema`` comes from, in a few words; ``None``
    for today's schema (its :class:`SchemaUpdate` says)."""
    from heroku_explorer.schema_updates import BUNDLED_SOURCE

    schema = getattr(args, "schema", None)
    if schema is None or schema == "live":
        return None
    if schema == "bundled":
        return BUNDLED_SOURCE
    if schema.startswith(("http://", "https://")):
        return visible(f"schema from {urlsplit(schema).hostname or schema}", single_line=True)
    return visible(f"schema from {os.path.basename(schema) or schema}", single_line=True)


def cached_sha(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()


def bundled() -> tuple[ApiSpec, bytes | None]:
    from heroku_explorer.schema import load_bundled

    return load_bundled(), None


def read_bytes(path: str) -> bytes | None:
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None
