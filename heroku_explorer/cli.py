"""Composition root: parse arguments, load the schema, open the client, start a front end.

::

    heroku-explorer                 the Textual explorer (sandbox when no API key is found)
    heroku-explorer repl            the prompt-toolkit REPL
    heroku-explorer call WORDS...   one command of the REPL language, then exit
    heroku-explorer sandbox         serve the sandbox API on loopback
    heroku-explorer schema          print the resource -> action tree (or --json)

Every :class:`~heroku_explorer.errors.ExplorerError` ends here as one line on
stderr and exit status 2; nobody sees a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from heroku_explorer import __version__
from heroku_explorer.errors import ExplorerError, SchemaError

if TYPE_CHECKING:
    from heroku_explorer.schema.model import ApiSpec

__all__ = ["build_parser", "load_spec", "main"]

COMMANDS = ("tui", "repl", "call", "sandbox", "schema")


def _add_schema_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("schema")
    g.add_argument(
        "--schema",
        metavar="FILE_OR_URL",
        help="schema to load: a file, an http(s) URL, 'bundled' (the default offline) "
        "or 'live' (GET /schema from the API, cached; the default with an API key)",
    )
    g.add_argument(
        "--schema-format",
        choices=("hyper-schema", "resources-2013"),
        help="skip detection and read the schema in this format",
    )
    g.add_argument(
        "--lenient",
        action="store_true",
        help="load what is complete in a cut-off schema and list what was dropped",
    )


def _add_client_options(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("connection")
    g.add_argument(
        "--api-url",
        metavar="URL",
        default=None,
        help="base URL of the API (default: $HEROKU_API_URL or https://api.heroku.com)",
    )
    g.add_argument(
        "--variant",
        default=None,
        help="Accept header variant: 3 (default), 3.sdk, ...",
    )
    g.add_argument(
        "--api-key",
        metavar="TOKEN",
        default=None,
        help="API token to use ('-' reads it from stdin, which keeps it out of the shell "
        "history); default: $HEROKU_API_KEY, then ~/.netrc",
    )
    g.add_argument(
        "--sandbox",
        action="store_true",
        help="use the built-in sandbox even when an API key is found",
    )
    g.add_argument(
        "--basic-auth",
        action="store_true",
        help="send the token with HTTP Basic auth (as a password) instead of Bearer",
    )
    g.add_argument(
        "--read-only",
        action="store_true",
        help="refuse every request that is not a GET",
    )
    g.add_argument("--timeout", type=float, default=None,
                   help="seconds to wait (default: the config file's, else 30)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="heroku-explorer",
        description="Explore the Heroku Platform API v3 from the terminal. With no API key "
        "(HEROKU_API_KEY or ~/.netrc), everything runs against a built-in sandbox.",
    )
    parser.add_argument("--version", action="version", version=f"heroku-explorer {__version__}")
    _add_schema_options(parser)
    _add_client_options(parser)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name, help_ in (
        ("tui", "the Textual explorer (the default)"),
        ("repl", "an interactive command line with completion"),
    ):
        sp = sub.add_parser(name, help=help_, description=help_)
        _add_schema_options(sp)
        _add_client_options(sp)

    call = sub.add_parser(
        "call",
        help="run one command of the REPL language and exit",
        description="Run one command, e.g. 'heroku-explorer call app info app=my-app'. "
        "The body goes to stdout; exit status 0 means a 2xx answer.",
    )
    _add_schema_options(call)
    _add_client_options(call)
    call.add_argument("-v", "--verbose", action="store_true", help="status and headers on stderr")
    call.add_argument("--json", action="store_true", help="print the body as compact JSON")
    call.add_argument("words", nargs=argparse.REMAINDER, help="the command")

    sb = sub.add_parser(
        "sandbox",
        help="serve the sandbox API on loopback",
        description="Serve a stateful emulator of the Heroku API, generated from the schema.",
        add_help=False,
    )
    sb.add_argument("args", nargs=argparse.REMAINDER)

    sc = sub.add_parser(
        "schema",
        help="print the resource -> action tree of a schema",
        description="Print the resource -> action tree (method, path, title) with counts.",
    )
    _add_schema_options(sc)
    sc.add_argument("--json", action="store_true", help="write the normalised model as JSON")
    return parser


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
    out = sys.stdout
    width = max((len(a.method) for a in spec.actions()), default=6)
    for res in spec.resources:
        badge = f" [{res.stability}]" if res.stability and res.stability != "production" else ""
        out.write(f"{res.name} ({res.key}){badge}: {len(res.actions)} actions\n")
        for act in res.actions:
            out.write(f"  {act.method:<{width}} {act.path}  {act.title}\n")
    out.write(
        f"\n{len(spec.resources)} resources, {spec.action_count} actions "
        f"({spec.source.format}, {spec.source.origin})\n"
    )
    if spec.source.dropped:
        out.write(f"dropped ({len(spec.source.dropped)}):\n")
        for item in spec.source.dropped:
            out.write(f"  - {item}\n")
    if spec.warnings:
        out.write(f"{len(spec.warnings)} warnings (see --json for the list)\n")


def _cmd_schema(args: argparse.Namespace) -> int:
    spec = _resolve_spec_offline(args)
    if args.json:
        from heroku_explorer.schema.serialize import spec_to_dict

        json.dump(spec_to_dict(spec), sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")
    else:
        _print_tree(spec)
    return 0


def _resolve_spec_offline(args: argparse.Namespace) -> ApiSpec:
    schema: str | None = args.schema
    if schema is not None and (schema == "live" or _is_url(schema)):
        from heroku_explorer.runtime import fetch_schema_sync

        return fetch_schema_sync(args)
    return load_spec(schema, schema_format=args.schema_format, lenient=args.lenient)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if argv and argv[0] == "sandbox":
        from heroku_explorer.sandbox.cli_entry import main as sandbox_main

        try:
            return sandbox_main(argv[1:])
        except ExplorerError as exc:
            print(f"heroku-explorer: {exc}", file=sys.stderr)
            return 2
    args = parser.parse_args(argv)
    command = args.command or "tui"
    try:
        if command == "schema":
            return _cmd_schema(args)
        from heroku_explorer.runtime import run

        return run(command, args)
    except ExplorerError as exc:
        print(f"heroku-explorer: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
