"""Composition root: parse arguments, load the schema, open the client, start a front end.

::

    heroku-explorer                 the Textual explorer (sandbox when no API key is found)
    heroku-explorer repl            the prompt-toolkit REPL
    heroku-explorer call WORDS...   one command of the REPL language, then exit
    heroku-explorer sandbox         serve the sandbox API on loopback
    heroku-explorer web             the explorer in a browser tab, on loopback behind a
                                    per-launch secret (the web extra)
    heroku-explorer schema          print the resource -> action tree (or --json);
                                    --source: the schema in use; --update: fetch
                                    today's and say what changed; --diff OLD NEW

Every :class:`~heroku_explorer.errors.ExplorerError` ends here as one line on
stderr and exit status 2; any other exception as one line naming its type and a log
file under the user data directory that holds the traceback (with every known key
removed), exit status 70. Nobody sees a traceback. The exit statuses are listed in
``--help``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn

from heroku_explorer import __version__
from heroku_explorer.crash import EXIT_UNEXPECTED, argv_secrets, log_unexpected, redact_known
from heroku_explorer.errors import ExplorerError, SchemaError, UsageError
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.schema.model import ApiSpec

__all__ = ["EXIT_UNEXPECTED", "build_parser", "load_spec", "main"]

EPILOG = """\
credentials:
  The key is --api-key (`-` reads it from stdin, without echo on a terminal), else
  $HEROKU_API_KEY, else the ~/.netrc `machine` entry for the API URL's own host
  (never a `default` entry; the file must be private: chmod 600 ~/.netrc). With no
  key and no API URL given, everything runs on the built-in sandbox; with an API URL
  but no key, the start stops (add --sandbox for the sandbox). A key is sent over
  https://, or over plain http:// to loopback (127.0.0.1, ::1, localhost) only.

Options may come before or after the command, with the same meaning.

exit status:
  0    done (call: the API answered 2xx)
  1    call, repl: the API answered with an error status (4xx, 5xx)
  2    bad usage, options, credentials, config or schema: one sentence on stderr
  3    call: no answer (network failure or timeout)
  70   unexpected error: one sentence on stderr, the details in
       <user data dir>/last-error.log (no key in it)
  130  interrupted (Ctrl-C)
"""


class _Parser(argparse.ArgumentParser):
    """An argument parser whose error messages show outside text literally (escaped
    control characters) and never repeat a key given on the command line."""

    secrets: tuple[str, ...] = ()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = visible(redact_known(message, self.secrets), single_line=True)
        self.exit(2, f"{self.prog}: error: {text}\n")


def _seconds(text: str) -> float:
    """argparse type of --timeout: a finite number of seconds above 0."""
    from heroku_explorer.config import timeout_problem

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{visible(text, single_line=True)!r} is not a number of seconds") from None
    problem = timeout_problem(value)
    if problem is not None:
        raise argparse.ArgumentTypeError(f"{visible(text, single_line=True)}: {problem}")
    return value


#: Which groups of options each command takes (the bare command is tui).
_GROUPS: dict[str, tuple[str, ...]] = {
    "tui": ("schema", "connection", "credentials", "history"),
    "repl": ("schema", "connection", "credentials", "history"),
    "call": ("schema", "connection", "credentials", "history"),
    "schema": ("schema", "connection"),
    "web": ("schema", "connection", "credentials", "history"),
}


def _add_options(p: argparse.ArgumentParser, groups: tuple[str, ...], *, sub: bool) -> None:
    """The one definition of the options shared by the commands.

    On the main parser they have their defaults; on a sub-command's parser their
    default is ``SUPPRESS``, so that an option given before the command is not
    replaced by the sub-command's default, and one given after it means the same.
    """

    def default(value: object) -> object:
        return argparse.SUPPRESS if sub else value

    if "schema" in groups:
        g = p.add_argument_group("schema")
        g.add_argument(
            "--schema", metavar="FILE_OR_URL", default=default(None),
            help="schema to load: a file, an http(s) URL, 'bundled' (the 2013 manifest) or "
            "'live' (the default: today's public GET /schema as last cached for the variant, "
            "else the bundled one; `schema --update` refreshes it)",
        )
        g.add_argument(
            "--schema-format", choices=("hyper-schema", "resources-2013"),
            default=default(None), help="skip detection and read the schema in this format",
        )
        g.add_argument(
            "--lenient", action="store_true", default=default(False),
            help="load what is complete in a cut-off schema and list what was dropped",
        )
    if "connection" in groups:
        g = p.add_argument_group("connection")
        g.add_argument(
            "--api-url", metavar="URL", default=default(None),
            help="base URL of the API, http(s) without user name or password "
            "(default: $HEROKU_API_URL or https://api.heroku.com)",
        )
        g.add_argument("--variant", default=default(None),
                       help="Accept header variant: 3 (default), 3.sdk, ...")
        g.add_argument("--timeout", metavar="SECONDS", type=_seconds, default=default(None),
                       help="seconds to wait for an answer, above 0 (default: the config "
                       "file's, else 30)")
        g.add_argument("--offline", action="store_true", default=default(False),
                       help="never fetch the public schema: use the cached copy, else the "
                       "bundled one (also `offline = true` in the config)")
    if "credentials" in groups:
        g = p.add_argument_group("credentials and safety")
        g.add_argument(
            "--api-key", metavar="TOKEN", default=default(None),
            help="API key to use; '-' reads it from stdin (without echo on a terminal), "
            "which keeps it out of the shell history and `ps` (default: $HEROKU_API_KEY, "
            "then the ~/.netrc entry for the API URL's host)",
        )
        g.add_argument(
            "--sandbox", action="store_true", default=default(False),
            help="use the built-in sandbox even when an API key or an API URL is given",
        )
        g.add_argument(
            "--basic-auth", action="store_true", default=default(False),
            help="send the key with HTTP Basic auth (as a password) instead of Bearer",
        )
        g.add_argument("--read-only", action="store_true", default=default(False),
                       help="refuse every request that is not a GET")
    if "history" in groups:
        g = p.add_argument_group("history")
        g.add_argument("--no-history", action="store_true", default=default(False),
                       help="keep no history of this run (exchanges and command lines)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="heroku-explorer",
        description="Explore the Heroku Platform API v3 from the terminal. With no API key "
        "and no API URL given, everything runs against a built-in sandbox.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"heroku-explorer {__version__}")
    _add_options(parser, _GROUPS["tui"], sub=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name, help_ in (
        ("tui", "the Textual explorer (the default; needs a terminal)"),
        ("repl", "an interactive command line with completion"),
    ):
        sp = sub.add_parser(name, help=help_, description=help_)
        _add_options(sp, _GROUPS[name], sub=True)
        if name == "repl":
            sp.add_argument("--yes", action="store_true",
                            help="send destructive requests on the live API without asking "
                            "(for commands piped in; on a terminal the REPL asks)")

    call = sub.add_parser(
        "call",
        help="run one command of the REPL language and exit",
        description="Run one command, e.g. 'heroku-explorer call app info app=my-app'. "
        "The body goes to stdout; exit status 0 means a 2xx answer. Options go before "
        "the command's words. When not LIVE, the mode is said on stderr.",
    )
    _add_options(call, _GROUPS["call"], sub=True)
    call.add_argument("-v", "--verbose", action="store_true", help="status and headers on stderr")
    call.add_argument("--json", action="store_true", help="print the body as compact JSON")
    call.add_argument("--yes", action="store_true",
                      help="send a destructive request (such as a DELETE) on the live API "
                      "without asking")
    call.add_argument("words", nargs=argparse.REMAINDER, help="the command")

    sb = sub.add_parser(
        "sandbox",
        help="serve the sandbox API on loopback",
        description="Serve a stateful emulator of the Heroku API, generated from the schema.",
        add_help=False,
    )
    sb.add_argument("args", nargs=argparse.REMAINDER)

    _add_web_parser(sub)

    sc = sub.add_parser(
        "schema",
        help="print the resource -> action tree of a schema",
        description="Print the resource -> action tree (method, path, title) with counts.",
    )
    _add_options(sc, _GROUPS["schema"], sub=True)
    sc.add_argument("--json", action="store_true", help="write the normalised model as JSON")
    what = sc.add_mutually_exclusive_group()
    what.add_argument("--source", action="store_true",
                      help="say which schema is in use (bundled, cached with its date) and stop")
    what.add_argument("--update", action="store_true",
                      help="fetch (or revalidate) today's public schema, cache it, and say "
                      "what changed since the cached copy")
    what.add_argument("--diff", nargs=2, metavar=("OLD", "NEW"),
                      help="what changed from one schema file to another (either format; "
                      "'bundled' is the bundled one)")
    return parser


def _add_web_parser(sub: argparse._SubParsersAction[_Parser]) -> None:
    web = sub.add_parser(
        "web",
        help="serve the explorer to a browser tab on loopback (needs the web extra)",
        description="Serve the explorer to a browser, on 127.0.0.1 by default, at a link "
        "holding a secret made for this launch; a request without it gets 403. Each tab "
        "runs its own explorer, on the sandbox unless --live; it ends when the tab closes.",
    )
    _add_options(web, _GROUPS["web"], sub=True)
    web.add_argument("--port", type=int, default=8000, help="port to serve on (0: any free "
                     "one; default 8000)")
    web.add_argument("--host", default="127.0.0.1", help="address to bind (default "
                     "127.0.0.1; anything beyond loopback exposes the explorer to the "
                     "network, see the warning it prints)")
    web.add_argument("--open", action="store_true", help="open the link in the default "
                     "browser")
    web.add_argument("--live", action="store_true", help="use the live API with the usual "
                     "credentials ($HEROKU_API_KEY, ~/.netrc), instead of the sandbox")


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


def _cmd_schema(args: argparse.Namespace) -> int:
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
    if args.json:
        from heroku_explorer.schema.serialize import spec_to_dict

        text = json.dumps(spec_to_dict(spec), indent=2, ensure_ascii=False, default=str)
        sys.stdout.write(_json_safe(text) + "\n")
    else:
        sys.stdout.write(f"schema: {source or _named_source(spec)}\n")
        _print_tree(spec)
    return 0


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


def _has_terminal() -> bool:
    try:
        return bool(sys.stdin and sys.stdout and sys.stdin.isatty() and sys.stdout.isatty())
    except (AttributeError, ValueError):  # closed or replaced streams
        return False


def _in_browser() -> bool:
    """Whether the explorer runs under `web` (Textual's web driver, no terminal)."""
    return os.environ.get("TEXTUAL_DRIVER") == "textual.drivers.web_driver:WebDriver"


NO_TERMINAL = ("The explorer needs a terminal on stdin and stdout; for scripts use "
               "`heroku-explorer call <resource> <action> ...`, or `heroku-explorer repl` "
               "with commands on stdin.")


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        return _main(argv)
    except ExplorerError as exc:
        text = visible(redact_known(str(exc), argv_secrets(argv)))
        print(f"heroku-explorer: {text}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # Output piped into `head` and the like: stop quietly.
        with contextlib.suppress(OSError):
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except Exception as exc:
        print(log_unexpected(exc, argv_secrets(argv)), file=sys.stderr)
        return EXIT_UNEXPECTED


def _main(argv: list[str]) -> int:
    parser = build_parser()
    _Parser.secrets = argv_secrets(argv)
    if argv and argv[0] == "sandbox":
        from heroku_explorer.sandbox.cli_entry import main as sandbox_main

        return sandbox_main(argv[1:])
    args, extra = parser.parse_known_args(argv)
    command = args.command or "tui"
    if command == "sandbox":
        # Reached only with something before the word `sandbox`.
        raise UsageError("The sandbox server takes its own options, after `sandbox`: "
                         "heroku-explorer sandbox [--port N] ... (see `heroku-explorer "
                         "sandbox --help`).")
    if extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if command == "schema":
        return _cmd_schema(args)
    if command == "web":
        from heroku_explorer.web.command import run_web

        return run_web(args)
    if command == "tui" and not _has_terminal() and not _in_browser():
        raise UsageError(NO_TERMINAL)
    from heroku_explorer.runtime import run

    return run(command, args)
