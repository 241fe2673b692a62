"""The ``web`` command: check the extra and the options, serve, print the link."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys

from heroku_explorer.errors import UsageError
from heroku_explorer.web.launch import (
    app_command,
    app_environment,
    host_warning,
    new_secret,
)

__all__ = ["MISSING_EXTRA", "run_web"]

MISSING_EXTRA = ("The browser front end needs the web extra: "
                 "pip install 'heroku-explorer[web]'")

#: What the web extra installs (textual-serve and what it imports).
_EXTRA_MODULES = frozenset({"textual_serve", "aiohttp", "aiohttp_jinja2", "jinja2"})


def _check_options(args: argparse.Namespace) -> None:
    if getattr(args, "api_key", None) is not None:
        raise UsageError("`web` takes no --api-key: a key is never put on the command line "
                         "of the explorer each tab runs. Set $HEROKU_API_KEY or a ~/.netrc "
                         "entry and add --live.")
    if args.live and getattr(args, "sandbox", False):
        raise UsageError("--live and --sandbox contradict each other; the sandbox is the "
                         "default of `web`, --live uses the live API.")
    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port {args.port} is not a port: give 0 (any free one) to 65535.")


def _check_live(args: argparse.Namespace) -> None:
    """With --live, the credentials each tab's explorer will find, checked now: a page
    titled LIVE must not open on the sandbox, nor a tab start only to stop."""
    from urllib.parse import urlsplit

    from heroku_explorer.runtime import api_url, prepare

    setup = prepare(args)
    try:
        mode = setup.mode
    finally:
        setup.close()
    if mode != "LIVE":
        host = urlsplit(api_url(args)[0]).hostname or "the API's host"
        raise UsageError(f"--live found no API key ($HEROKU_API_KEY, or a ~/.netrc entry "
                         f"for {host}); set one, or leave out --live for the sandbox.")


def run_web(args: argparse.Namespace) -> int:
    """Serve until Ctrl+C; 2 with one sentence when the extra is missing."""
    _check_options(args)
    if args.live:
        _check_live(args)
    try:
        from heroku_explorer.web.server import ExplorerServer
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in _EXTRA_MODULES:
            raise
        print(f"heroku-explorer: {MISSING_EXTRA}", file=sys.stderr)
        return 2
    warning = host_warning(args.host)
    if warning is not None:
        print(f"heroku-explorer: {warning}", file=sys.stderr)
    server = ExplorerServer(
        app_command(args), app_environment(os.environ, live=args.live),
        host=args.host, port=args.port, secret=new_secret(), live=args.live,
    )

    def ready(url: str) -> None:
        mode = "LIVE API" if args.live else "sandbox"
        print(f"heroku-explorer ({mode}) in a browser: {url}", flush=True)
        print("Anyone with this link can drive the explorer; Ctrl+C stops it.", flush=True)
        if args.open:
            _open_browser(url)

    try:
        asyncio.run(server.run(ready))
    except OSError as exc:
        reason = os.strerror(exc.errno) if exc.errno else str(exc)
        raise UsageError(f"Cannot serve on {args.host} port {args.port}: "
                         f"{reason.rstrip('.').lower()}.") from None
    return 0


def _open_browser(url: str) -> None:
    import webbrowser

    if not webbrowser.open(url):
        print("heroku-explorer: no browser could be opened; open the link above.",
              file=sys.stderr, flush=True)
