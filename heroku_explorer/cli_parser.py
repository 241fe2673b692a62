"""The command line's grammar: the option groups shared by the commands, each
sub-command's parser, the argparse types of the numeric options and the ``--help``
epilogs (with the exit statuses)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any, NoReturn, TypeVar, get_args

from heroku_explorer import __version__
from heroku_explorer.crash import redact_known
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import SchemaFormat

__all__ = ["CALL_EPILOG", "EPILOG", "Parser", "build_parser"]

_T = TypeVar("_T")

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


def _pages(text: str) -> int:
    """argparse type of --max-pages: a whole number of pages from 1 to 10000."""
    if not text.isdigit() or not 0 < int(text) <= 10_000:
        raise argparse.ArgumentTypeError("a number of pages from 1 to 10000")
    return int(text)


class Parser(argparse.ArgumentParser):
    """An argument parser whose error messages show outside text literally (escaped
    control characters) and never repeat a key given on the command line."""

    secrets: tuple[str, ...] = ()

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        text = visible(redact_known(message, self.secrets), single_line=True)
        self.exit(2, f"{self.prog}: error: {text}\n")



def _number(text: str, convert: Callable[[str], _T], noun: str) -> _T:
    """``text`` read by ``convert``, or the argparse error saying it is not ``noun``."""
    try:
        return convert(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{visible(text, single_line=True)!r} is not {noun}") from None


def _seconds(text: str) -> float:
    """argparse type of --timeout: a finite number of seconds above 0."""
    from heroku_explorer.config import timeout_problem

    value = _number(text, float, "a number of seconds")
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


_Options = tuple[tuple[str, dict[str, Any]], ...]

#: The options shared by the commands: (group, its title, (flag, argparse keywords)...).
_SHARED: tuple[tuple[str, str, _Options], ...] = (
    ("schema", "schema", (
        ("--schema", {
            "metavar": "FILE_OR_URL", "default": None,
            "help": "schema to load: a file, an http(s) URL, 'bundled' (the 2013 manifest) or "
            "'live' (the default: today's public GET /schema as last cached for the variant, "
            "else the bundled one; `schema --update` refreshes it)"}),
        ("--schema-format", {
            "choices": get_args(SchemaFormat), "default": None,
            "help": "skip detection and read the schema in this format"}),
        ("--lenient", {
            "action": "store_true", "default": False,
            "help": "load what is complete in a cut-off schema and list what was dropped"}),
    )),
    ("connection", "connection", (
        ("--api-url", {
            "metavar": "URL", "default": None,
            "help": "base URL of the API, http(s) without user name or password "
            "(default: $HEROKU_API_URL or https://api.heroku.com)"}),
        ("--variant", {"default": None,
                       "help": "Accept header variant: 3 (default), 3.sdk, ..."}),
        ("--timeout", {
            "metavar": "SECONDS", "type": _seconds, "default": None,
            "help": "seconds to wait for an answer, above 0 (default: the config "
            "file's, else 30)"}),
        ("--offline", {
            "action": "store_true", "default": False,
            "help": "never fetch the public schema: use the cached copy, else the "
            "bundled one (also `offline = true` in the config)"}),
    )),
    ("credentials", "credentials and safety", (
        ("--api-key", {
            "metavar": "TOKEN", "default": None,
            "help": "API key to use; '-' reads it from stdin (without echo on a terminal), "
            "which keeps it out of the shell history and `ps` (default: $HEROKU_API_KEY, "
            "then the ~/.netrc entry for the API URL's host)"}),
        ("--sandbox", {
            "action": "store_true", "default": False,
            "help": "use the built-in sandbox even when an API key or an API URL is given"}),
        ("--basic-auth", {
            "action": "store_true", "default": False,
            "help": "send the key with HTTP Basic auth (as a password) instead of Bearer"}),
        ("--read-only", {"action": "store_true", "default": False,
                         "help": "refuse every request that is not a GET"}),
    )),
    ("history", "history", (
        ("--no-history", {
            "action": "store_true", "default": False,
            "help": "keep no history of this run (exchanges and command lines)"}),
    )),
)


def _add_options(p: argparse.ArgumentParser, groups: tuple[str, ...], *, sub: bool) -> None:
    """The options of :data:`_SHARED` in ``groups``, added to ``p``.

    On the main parser they have their defaults; on a sub-command's parser their
    default is ``SUPPRESS``, so that an option given before the command is not
    replaced by the sub-command's default, and one given after it means the same.
    """
    for key, title, options in _SHARED:
        if key not in groups:
            continue
        g = p.add_argument_group(title)
        for flag, keywords in options:
            g.add_argument(flag, **(keywords | {"default": argparse.SUPPRESS} if sub
                                    else keywords))


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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
    value = _number(text, int, "a whole number")
    if not 1 <= value <= 5000:
        raise argparse.ArgumentTypeError(f"{value} is not between 1 and 5000")
    return value


def _add_web_parser(sub: argparse._SubParsersAction[Parser]) -> None:
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


