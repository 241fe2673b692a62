"""The sub-commands that print and stop: ``history`` (the stored exchanges, or HAR)
and ``schema`` (the tree, ``--json``, ``--source``, ``--openapi``, ``--diff``,
``--update``), with the schema loading and the private file output they share."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from typing import TYPE_CHECKING

from heroku_explorer.errors import ExplorerError, SchemaError, UsageError
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.schema.model import ApiSpec

__all__ = ["history_command", "load_spec", "schema_command", "write_output"]


def history_command(args: argparse.Namespace) -> int:
    from heroku_explorer.client.har import har_text
    from heroku_explorer.client.history import History
    from heroku_explorer.schema import load_bundled

    # The bundled schema names the write-only fields (hidden even in a "full" row).
    history = History(mode="redacted", secrets=_env_secrets(), spec=load_bundled())
    try:
        if not history.enabled:
            raise UsageError(history.disabled_reason or "History is off.")
        rows = list(reversed(history.search(limit=args.last or history.max_rows)))
        if args.har is not None:
            write_output(args.har, har_text(rows, secrets=history.secrets,
                                            write_only=history.write_only) + "\n")
            return 0
        out = sys.stdout
        for row in rows:
            status = str(row.status) if row.status is not None else "---"
            out.write(f"{row.id:>5}  {visible(row.method, single_line=True):<6} {status:>3}  "
                      f"{visible(row.url, single_line=True)}\n")
        out.write(f"{len(rows)} of {history.count()} stored exchanges\n")
        return 0
    finally:
        history.close()


def _env_secrets() -> tuple[str, ...]:
    """The key in the environment, if any: removed from what is written."""
    key = os.environ.get("HEROKU_API_KEY", "").strip()
    return (key,) if key else ()


def _is_url(value: str) -> bool:
    return value.startswith(("http://", "https://"))


def load_spec(
    schema: str | None,
    *,
    schema_format: str | None = None,
    lenient: bool = False,
) -> ApiSpec:
    """Load the schema named on the command line (a file, or the bundled default)."""
    from heroku_explorer.schema import load_bundled, load_path

    if schema is None or schema == "bundled":
        return load_bundled()
    if schema == "live" or _is_url(schema):
        raise SchemaError(schema, None, "a live or URL schema needs the client; internal misuse")
    return load_path(schema, format=schema_format, lenient=lenient)


def _print_tree(spec: ApiSpec) -> None:
    """The resource -> action tree; every name and title from the schema shown literally."""
    out = sys.stdout

    def v(text: object) -> str:
        return visible(str(text), single_line=True)

    width = max((len(v(a.method)) for a in spec.actions()), default=6)
    for res in spec.resources:
        badge = f" [{v(res.stability)}]" if res.stability and res.stability != "production" else ""
        out.write(f"{v(res.name)} ({v(res.key)}){badge}: {len(res.actions)} actions\n")
        for act in res.actions:
            out.write(f"  {v(act.method):<{width}} {v(act.path)}  {v(act.title)}\n")
    out.write(
        f"\n{len(spec.resources)} resources, {spec.action_count} actions "
        f"({v(spec.source.format)}, {v(spec.source.origin)})\n"
    )
    if spec.source.dropped:
        out.write(f"dropped ({len(spec.source.dropped)}):\n")
        for item in spec.source.dropped:
            out.write(f"  - {v(item)}\n")
    if spec.warnings:
        out.write(f"{len(spec.warnings)} warnings (see --json for the list)\n")


# json.dump escapes C0 controls in strings but writes DEL, C1 controls and the bidi
# and line-separator characters as they are; outside a string JSON has none of them,
# so each can become a \\uXXXX escape and the text stays the same JSON.
_JSON_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _json_safe(text: str) -> str:
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def schema_command(args: argparse.Namespace) -> int:
    if args.diff:
        from heroku_explorer.schema.diff import diff_specs

        old, new = (load_spec(name, schema_format=args.schema_format, lenient=args.lenient)
                    for name in args.diff)
        sys.stdout.write(diff_specs(old, new).summary() + "\n")
        return 0
    if args.update:
        return _cmd_schema_update(args)
    source: str | None = None
    if args.schema is None:
        spec, source = _todays_spec(args)
    else:
        spec = _resolve_spec_offline(args)
    if args.source:
        sys.stdout.write(f"{source or _named_source(spec)}\n")
        return 0
    if args.openapi is not None:
        from heroku_explorer.schema.openapi import to_openapi

        text = json.dumps(to_openapi(spec), indent=2, ensure_ascii=False, default=str)
        write_output(args.openapi, _json_safe(text) + "\n")
        return 0
    if args.json:
        from heroku_explorer.schema.serialize import spec_to_dict

        text = json.dumps(spec_to_dict(spec), indent=2, ensure_ascii=False, default=str)
        sys.stdout.write(_json_safe(text) + "\n")
    else:
        sys.stdout.write(f"schema: {source or _named_source(spec)}\n")
        _print_tree(spec)
    return 0


def write_output(target: str, text: str) -> None:
    """``text`` to stdout (``-``) or to the file ``target``: created 0600, never through
    a symbolic link; a file that cannot be written is one sentence."""
    if target == "-":
        sys.stdout.write(text)
        return
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(target, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise UsageError(f"Cannot write {visible(target, single_line=True)}: "
                         f"{visible(reason, single_line=True)}.") from None
    print(f"heroku-explorer: wrote {visible(target, single_line=True)}", file=sys.stderr)


def _named_source(spec: ApiSpec) -> str:
    return f"{visible(spec.source.origin, single_line=True)} (named with --schema)"


def _schema_place(args: argparse.Namespace) -> tuple[str, str, float, bool]:
    """The public schema's URL, the variant, the timeout and whether offline."""
    from heroku_explorer.config import load_config
    from heroku_explorer.runtime import api_url, offline
    from heroku_explorer.schema_updates import schema_url

    config, problems = load_config()
    for problem in problems:
        print(f"heroku-explorer: {visible(problem)}", file=sys.stderr)
    base, _ = api_url(args)
    timeout = args.timeout if args.timeout is not None else config.timeout
    return (schema_url(base), args.variant or config.variant, timeout,
            offline(args, config))


def _todays_spec(args: argparse.Namespace) -> tuple[ApiSpec, str]:
    """The schema the front ends would use now (cached, else bundled) and its source."""
    from heroku_explorer.runtime import api_url, todays_schema

    _, variant, timeout, is_offline = _schema_place(args)
    notices: list[str] = []
    load, update = todays_schema(api_url(args)[0], variant, timeout, notices,
                                 offline=is_offline)
    spec = load()[0]
    for notice in notices:
        print(f"heroku-explorer: {visible(notice)}", file=sys.stderr)
    return spec, update.source


def _cmd_schema_update(args: argparse.Namespace) -> int:
    """``schema --update``: revalidate the cached copy, say what changed."""
    import asyncio
    import hashlib

    from heroku_explorer.errors import NetworkError
    from heroku_explorer.paths import cache_dir
    from heroku_explorer.schema import load_bundled, load_schema
    from heroku_explorer.schema.diff import diff_specs
    from heroku_explorer.schema_updates import (
        cached_schema,
        describe_cached,
        fetch_public_schema,
    )

    url, variant, timeout, is_offline = _schema_place(args)
    if is_offline:
        raise UsageError("--update fetches the schema, but offline is set (--offline or "
                         "`offline = true` in the config).")
    directory = cache_dir()
    before = cached_schema(directory, url, variant)
    doc = asyncio.run(fetch_public_schema(url, variant, timeout, directory))
    if doc.source == "cache":
        raise NetworkError(doc.notice or "The schema could not be fetched.", kind="other")
    out = sys.stdout
    if doc.notice:
        print(f"heroku-explorer: {visible(doc.notice)}", file=sys.stderr)
    if doc.source == "revalidated" or (
            before is not None
            and hashlib.sha256(before.data).hexdigest() == hashlib.sha256(doc.data).hexdigest()):
        out.write(f"The cached schema is current: {visible(url, single_line=True)} "
                  f"(variant {visible(variant, single_line=True)}) has not changed.\n")
        return 0
    new = load_schema(doc.data, origin=doc.url, variant=doc.variant)
    old = load_bundled()
    if before is not None:
        with contextlib.suppress(ExplorerError):  # a copy that cannot load: vs the bundled
            old = load_schema(before.data, origin=describe_cached(before), variant=variant)
    where = f" in {visible(str(doc.path), single_line=True)}" if doc.path else ""
    out.write(f"Fetched {visible(url, single_line=True)} (variant "
              f"{visible(variant, single_line=True)}); cached{where}.\n")
    since = "the cached copy" if old is not load_bundled() else "the bundled 2013 manifest"
    out.write(f"Changes since {since}:\n")
    out.write(diff_specs(old, new).summary() + "\n")
    return 0


def _resolve_spec_offline(args: argparse.Namespace) -> ApiSpec:
    schema: str | None = args.schema
    if schema is not None and (schema == "live" or _is_url(schema)):
        from heroku_explorer.runtime import fetch_schema_sync

        return fetch_schema_sync(args)
    return load_spec(schema, schema_format=args.schema_format, lenient=args.lenient)
