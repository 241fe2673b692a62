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
import os
import sys
from collections.abc import Sequence

from heroku_explorer.cli_commands import history_command, schema_command
from heroku_explorer.cli_parser import Parser, build_parser
from heroku_explorer.crash import EXIT_UNEXPECTED, argv_secrets, log_unexpected, redact_known
from heroku_explorer.errors import ExplorerError, UsageError
from heroku_explorer.safe_text import visible

__all__ = ["EXIT_UNEXPECTED", "build_parser", "fold_call_options", "main"]

#: The largest body --body @- reads from stdin.
MAX_STDIN_BODY = 1024 * 1024


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
    Parser.secrets = argv_secrets(argv)
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
        return schema_command(args)
    if command == "web":
        from heroku_explorer.web.command import run_web

        return run_web(args)
    if command == "history":
        return history_command(args)
    if command == "logs" and not args.app:
        raise UsageError("Name the app whose logs to follow: heroku-explorer logs APP.")
    if command in ("tui", "learn") and not _has_terminal() and not _in_browser():
        raise UsageError(NO_TERMINAL)
    from heroku_explorer.runtime import run

    return run(command, args)
