"""``heroku-explorer call WORDS...``: one command of the REPL language, then exit.

The body goes to stdout whatever the status, as HTTPie does (pretty and coloured
on a terminal, compact JSON with ``--json``, through a jq filter with ``--jq
EXPR``: strings raw, other results as compact JSON, one per line; a body that is
not JSON as it came);
with ``-v`` the status line and key headers go to stderr. Messages, warnings and
the hint that a list has more pages (``--all``, or the ``Next-Range``) always go to
stderr. Exit status (also in ``call --help``)::

    0  the API answered 2xx (or a session command such as doc, or --dry-run, ran)
    1  the API answered with an error status (4xx, 5xx)
    2  the command could not be run: a parse or validation error, or a request
       refused before sending (read-only, a removed secret, a destruction on the
       live API without --yes)
    3  no answer: network failure or timeout
    4  --check: the API answered 2xx, but the answer departs from its schema
       (the differences are listed on stderr)

On a terminal, what the server sent is shown inert (control characters as
visible escapes); piped, stdout carries the body as received. stderr is always
for a person.
"""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from dataclasses import replace
from typing import IO, TYPE_CHECKING

from heroku_explorer.errors import ExplorerError
from heroku_explorer.repl.commands import Call, Empty, Next, Raw, Revalidate
from heroku_explorer.repl.render import Console, quiet_closed, use_color
from heroku_explorer.repl.stream import StdoutSink
from heroku_explorer.repl.tokens import ParseError
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import ApiSpec

if TYPE_CHECKING:
    from heroku_explorer.client.client import HerokuClient
    from heroku_explorer.client.response import Exchange

__all__ = ["EXIT_HTTP_ERROR", "EXIT_NONCONFORMING", "EXIT_NO_ANSWER", "EXIT_OK", "EXIT_USAGE",
           "command_line", "run_call"]

EXIT_OK = 0
EXIT_HTTP_ERROR = 1
EXIT_USAGE = 2
EXIT_NO_ANSWER = 3
EXIT_NONCONFORMING = 4


async def run_call(
    spec: ApiSpec,
    client: HerokuClient,
    argv_words: Sequence[str],
    *,
    verbose: bool = False,
    as_json: bool = False,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    yes: bool = False,
    mode: str | None = None,
    jq: str | None = None,
    check: bool = False,
) -> int:
    """Run ``argv_words`` (``["app", "info", "app=my-app"]``) once; the exit status.

    ``-v``/``--json`` may also appear among the words themselves. ``yes`` sends a
    request that destroys data on the live API without asking (``--yes``); without
    it such a request is refused, nothing is sent, and the status is 2. ``mode``
    (``LIVE``/``SANDBOX``) is told by the client when not given. ``jq`` prints the
    answer through that filter (``--jq``); ``check`` lists how the answer departs
    from its action's schema and makes such an answer exit 4 (``--check``).
    """
    from heroku_explorer.repl.session import Session

    out, err = stdout or sys.stdout, stderr or sys.stderr
    console = Console(out, err, use_color(out) and not as_json, raw_out=not _isatty(out))
    session = Session(spec, client, console, always_status=False, yes=yes, mode=mode)
    # A body over the display cap goes to stdout whole as it arrives (like curl).
    session.stream_to = lambda: StdoutSink(out, client.display_cap, terminal=_isatty(out))
    session.error_body = True
    session.more_hint = _more_hint
    line = command_line(argv_words)
    try:
        command = session.parser.parse(line)
    except ParseError as exc:
        console.error(exc, line)
        return EXIT_USAGE
    if isinstance(command, Empty):
        console.message("usage: heroku-explorer call <resource> <action> [name=value ...] "
                        "[-v] [--json]   (e.g. call app info app=my-app)")
        return EXIT_USAGE
    if isinstance(command, Call | Raw | Next | Revalidate):
        options = replace(command.options, verbose=command.options.verbose or verbose,
                          raw_json=command.options.raw_json or as_json,
                          jq=command.options.jq if jq is None else jq,
                          check=command.options.check or check)
        command = replace(command, options=options)
        if options.raw_json:
            console.color = False
        if options.jq is not None:
            session.stream_to = None  # the filter needs the whole answer
        check = options.check
    try:
        ok = await session.execute(command)
    except ExplorerError as exc:
        console.error(exc)
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader of stdout left (| head -c 100): what was sent stays sent.
        quiet_closed(out)
        ok = False
    exchange = session.last
    if exchange is None:
        return EXIT_OK if ok else EXIT_USAGE
    if exchange.status is None:
        return EXIT_NO_ANSWER
    if not 200 <= exchange.status < 300:
        return EXIT_HTTP_ERROR
    return EXIT_NONCONFORMING if check and session.differences else EXIT_OK


def command_line(words: Sequence[str]) -> str:
    """The words of ``call`` as one REPL line. A first word holding spaces is the
    whole command given as one argument (``call 'app info app=x'``), split as the
    REPL splits it; a leading ``--`` is dropped."""
    words = list(words)
    if words[:1] == ["--"]:
        words = words[1:]
    if words and any(ch.isspace() for ch in words[0]):
        return " ".join([words[0], shlex.join(words[1:])]).strip()
    return shlex.join(words)


def _more_hint(exchange: Exchange) -> str:
    nxt = visible(exchange.next_range or "", single_line=True)
    return (f"more: this is one page; --all fetches every page, or --range '{nxt}' the "
            "next one")


def _isatty(stream: IO[str]) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False
