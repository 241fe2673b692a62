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
                                    today's and say what changed; --diff OLD NEW;
                                    --openapi [FILE]: as an OpenAPI 3.1 document
    heroku-explorer history         the stored exchanges; --har [FILE] as HAR 1.2
    heroku-explorer logs APP        follow an app's log stream

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
  0    done (call: the API answered 2xx; logs: the stream ended)
  1    call, repl, logs: the API answered with an error status (4xx, 5xx)
  2    bad usage, options, credentials, config or schema: one sentence on stderr
  3    call: no answer (network failure or timeout); logs: the stream could not be read
  4    call --check: a 2xx answer that departs from its schema (listed on stderr)
  70   unexpected error: one sentence on stderr, the details in
       <user data dir>/last-error.log (no key in it)
  130  interrupted (Ctrl-C)
"""


CALL_EPILOG = """\
exit status:
  0    the API answered 2xx (a body that is not JSON is printed as it came, as
       HTTPie does), or a command such as doc or --dry-run ran
  1    the API answered with an error status (4xx, 5xx); its body is on stdout
  2    the command could not be run: bad words or options, a file that cannot be
       read, or a request refused before sending (read-only, a removed secret, a
       destruction on the live API without --yes)
  3    no answer: network failure or timeout
  130  interrupted (Ctrl-C); a POST, PATCH, PUT or DELETE may have been carried out

items (as in HTTPie):
  name=value  name:=json  name=@file  name:=@file.json  name==query  Header:value
"""

#: The largest body --body @- reads from stdin.
MAX_STDIN_BODY = 1024 * 1024


def _pages(text: str) -> int:
    """argparse type of --max-pages: a whole number of pages from 1 to 10000."""
    if not text.isdigit() or not 0 < int(text) <= 10_000:
        raise argparse.ArgumentTypeError("a number of pages from 1 to 10000")
    return int(text)


def fold_call_options(args: argparse.Namespace) -> None:
    """The request options of ``call`` given before its words, added to the words
    in the REPL language (``--if-match=ETAG``...); ``--body @-`` reads stdin now."""
    extra: list[str] = []
    if getattr(args, "all", False):
        extra.append("--all")
    if getattr(args, "max_pages", None) is not None:
        extra.append(f"--max-pages={args.max_pages}")
    if getattr(args, "dry_run", False):
        extra.append("--dry-run")
    for option in ("if_match", "if_none_match"):
        value = getattr(args, option, None)
        if value is not None:
            extra.append(f"--{option.replace('_', '-')}={value}")
    body = getattr(args, "body", None)
    if body == "@-":
        data = sys.stdin.buffer.read(MAX_STDIN_BODY + 1) if sys.stdin else b""
        if len(data) > MAX_STDIN_BODY:
            raise UsageError(f"--body @-: stdin holds over {MAX_STDIN_BODY // 1024} KiB.")
        try:
            body = data.decode("utf-8")
        except UnicodeDecodeError:
            raise UsageError("--body @-: stdin is not UTF-8 text.") from None
    if body is not None:
        extra.append(f"--body={body}")
    words = list(getattr(args, "words", []) or [])
    if words[:1] == ["--"]:
        words = words[1:]
    args.words = [*words, *extra]


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
    "learn": ("schema", "connection", "credentials", "history"),
    "call": ("schema", "connection", "credentials", "history"),
    "schema": ("schema", "connection"),
    "logs": ("schema", "connection", "credentials", "history"),
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
        ("learn", "the Textual explorer on its Learn screen: lessons on the sandbox"),
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
        description="Run one command, e.g. 'heroku-explorer call app info app=my-app' "
        "(the words may also come as one quoted argument). The body goes to stdout "
        "whatever the status, as HTTPie does; messages and warnings go to stderr. "
        "Options go before the command's words (after them they are the REPL's: -v, "
        "--json, -H, --range, ...); `--` ends the options. When not LIVE, the mode is "
        "said on stderr.",
        epilog=CALL_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    _add_options(call, _GROUPS["call"], sub=True)
    call.add_argument("-v", "--verbose", action="store_true", help="status and headers on stderr")
    call.add_argument("--json", action="store_true", help="print the body as compact JSON")
    call.add_argument("--yes", action="store_true",
                      help="send a destructive request (such as a DELETE) on the live API "
                      "without asking")
    g = call.add_argument_group("request")
    g.add_argument("--all", action="store_true",
                   help="follow Next-Range from page to page and print one JSON array")
    g.add_argument("--max-pages", metavar="N", type=_pages, default=None,
                   help="the page budget of --all (default 20)")
    g.add_argument("--dry-run", action="store_true",
                   help="show the request and its curl command; send nothing")
    g.add_argument("--if-match", metavar="ETAG", default=None,
                   help='send If-Match: ETAG (e.g. \'"0123abcd"\' or *)')
    g.add_argument("--if-none-match", metavar="ETAG", default=None,
                   help="send If-None-Match: ETAG (a 304 says unchanged)")
    g.add_argument("--body", metavar="JSON", default=None,
                   help="the whole JSON body: inline, @FILE, or @- to read it from stdin")
    g.add_argument("--jq", metavar="EXPR", default=None,
                   help="print the answer through this jq filter: strings raw, other "
                   "results as compact JSON, one per line (e.g. --jq '.[].name')")
    g.add_argument("--check", action="store_true",
                   help="check the answer against its action's schema; exit 4 when it "
                   "departs from it (the differences go to stderr)")
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
    what.add_argument("--openapi", nargs="?", const="-", metavar="FILE",
                      help="write the schema as an OpenAPI 3.1 document to FILE (default: "
                      "stdout)")
    lg = sub.add_parser(
        "logs",
        help="follow an app's log stream",
        description="Create a log session for APP and print its lines as they arrive "
        "(the sandbox when no API key is found). Ctrl-C stops.",
    )
    _add_options(lg, _GROUPS["logs"], sub=True)
    lg.add_argument("app", metavar="APP", nargs="?", help="the app's name or id")
    lg.add_argument("--tail", action="store_true", help="keep following new lines")
    lg.add_argument("--num", "-n", type=_count, default=None, metavar="N",
                    help="how many recent lines to start with")
    lg.add_argument("--dyno", default=None, metavar="D", help="only this dyno (web.1)")
    lg.add_argument("--source", default=None, metavar="S", help="only this source (app, "
                    "heroku)")

    hi = sub.add_parser(
        "history",
        help="list the stored exchanges, or write them as HAR",
        description="List the stored exchanges (newest last), or write them as a HAR 1.2 "
        "log, redacted like the history itself (never a token or a config value).",
    )
    hi.add_argument("--har", nargs="?", const="-", metavar="FILE",
                    help="write the exchanges as HAR 1.2 to FILE (default: stdout)")
    hi.add_argument("--last", type=_count, default=None, metavar="N",
                    help="only the newest N exchanges")
    return parser


def _count(text: str) -> int:
    """argparse type of --last and --num: a whole number from 1 to 5000."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{visible(text, single_line=True)!r} is not a whole number") from None
    if not 1 <= value <= 5000:
        raise argparse.ArgumentTypeError(f"{value} is not between 1 and 5000")
    return value


def _cmd_history(args: argparse.Namespace) -> int:
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
    if command == "call":
        fold_call_options(args)
    if command == "schema":
        return _cmd_schema(args)
    if command == "web":
        from heroku_explorer.web.command import run_web

        return run_web(args)
    if command == "history":
        return _cmd_history(args)
    if command == "logs" and not args.app:
        raise UsageError("Name the app whose logs to follow: heroku-explorer logs APP.")
    if command in ("tui", "learn") and not _has_terminal() and not _in_browser():
        raise UsageError(NO_TERMINAL)
    from heroku_explorer.runtime import run

    return run(command, args)
