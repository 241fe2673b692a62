"""Wiring for the front ends: credentials, mode, schema, client, history.

This is the only module (with the tests) that wires the sandbox into the client:
with no credentials, requests go to the in-process sandbox through
``httpx.ASGITransport``; with credentials, to the live API.

The mode is decided honestly, in this order: the API URL (``--api-url``, then
``HEROKU_API_URL``, then https://api.heroku.com) is checked first, the credentials
are looked up for that URL's host, and then:

- ``--sandbox``: the sandbox, whatever else is given (a notice says an API URL is
  not used);
- a key: LIVE, unless the key may not go to that URL (plain http:// off loopback),
  which stops the start with one sentence;
- no key and no API URL given: the sandbox, said in a notice;
- no key but an API URL given: the start stops with one sentence naming the key
  sources looked at (a person who named an API wants that API, not a stand-in).

The schema is chosen without the network, in both modes: the copy of the API's
public ``/schema`` cached for the variant, else the bundled manifest.
:attr:`Setup.schema_update` (:mod:`heroku_explorer.schema_updates`) fetches or
revalidates it once a front end starts it; ``call`` never does.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from heroku_explorer.errors import SchemaError, UsageError
from heroku_explorer.safe_text import visible
from heroku_explorer.schema_choice import (
    OFFLINE_ENV,
    bundled,
    fetch,
    fetch_named,
    load_named,
    offline,
    read_bytes,
    schema_source,
    todays_schema,
)

if TYPE_CHECKING:
    import httpx

    from heroku_explorer.client import Credentials, HerokuClient, History
    from heroku_explorer.config import Config
    from heroku_explorer.schema.model import ApiSpec
    from heroku_explorer.schema_updates import SchemaUpdate

__all__ = ["API_URL_ENV", "DEFAULT_API_URL", "OFFLINE_ENV", "SANDBOX_BASE_URL", "Mode", "Setup",
           "api_url", "fetch_schema_sync", "known_secrets", "offline", "prepare", "run",
           "todays_schema"]

Mode = Literal["SANDBOX", "LIVE"]

#: The in-process sandbox's base URL: requests never leave the process.
SANDBOX_BASE_URL = "http://sandbox.invalid"

API_URL_ENV = "HEROKU_API_URL"
DEFAULT_API_URL = "https://api.heroku.com"

#: Every form of every token loaded in this process, for redacting crash logs.
_SECRETS: set[str] = set()


def known_secrets() -> tuple[str, ...]:
    """The tokens (in each form) loaded so far, longest first."""
    return tuple(sorted(_SECRETS, key=len, reverse=True))


@dataclass
class Setup:
    """Everything a front end needs, decided once; the schema, the history and the
    client are made on first use so that the first frame or prompt comes early."""

    mode: Mode
    base_url: str
    credentials: Credentials | None
    config: Config
    variant: str
    timeout: float
    read_only: bool
    load: Callable[[], tuple[ApiSpec, bytes | None]]
    notices: list[str] = field(default_factory=list)
    history_mode: str = "redacted"
    """"redacted", "full", "metadata" or "off" (no history at all)."""
    schema_update: SchemaUpdate | None = None
    """Today's schema in the background (see :mod:`heroku_explorer.schema_updates`);
    ``None`` when a schema was named with ``--schema``. Nothing starts it here: a
    front end runs it after its first frame or prompt."""
    _spec: tuple[ApiSpec, bytes | None] | None = None
    _history: History | None = None
    _history_opened: bool = False
    on_notice: Callable[[str], None] | None = None
    """Where notices made after start-up go (the REPL prints them as they come)."""

    def add_notice(self, text: str) -> None:
        self.notices.append(text)
        if self.on_notice is not None:
            self.on_notice(text)

    @property
    def spec(self) -> ApiSpec:
        if self._spec is None:
            before = len(self.notices)
            self._spec = self.load()
            # The loader's own notices (a cached copy that cannot be read) go out too.
            for text in self.notices[before:]:
                if self.on_notice is not None:
                    self.on_notice(text)
            if self._spec[0].source.dropped:
                self.add_notice(
                    f"The schema was cut off: {len(self._spec[0].source.dropped)} item(s) "
                    "dropped (see `heroku-explorer schema --lenient`).")
        return self._spec[0]

    @property
    def history(self) -> History | None:
        if not self._history_opened:
            self._history_opened = True
            if self.history_mode != "off":
                from heroku_explorer.client import History

                history = History(mode=self.history_mode, spec=self.spec)
                if history.enabled:
                    self._history = history
                else:
                    self.add_notice(history.disabled_reason or "History is off.")
        return self._history

    def close(self) -> None:
        if self._history is not None:
            self._history.close()

    def use_schema(self, spec: ApiSpec, data: bytes | None) -> Callable[[], HerokuClient]:
        """Switch to ``spec`` (today's schema, which arrived mid-session): the history
        learns its write-only fields, and the returned factory makes a client on it
        (in sandbox mode a sandbox that emulates it and serves ``data`` as /schema)."""
        self._spec = (spec, data)
        if self._history is not None:
            self._history.use_schema(spec)
        return self.client_factory()

    def to_sandbox(self) -> tuple[Callable[[], HerokuClient], str]:
        """The client factory of the built-in sandbox on the same schema and history,
        and its base URL: the lessons' switch from the live API. The token is not
        used there."""
        import dataclasses

        sandbox = dataclasses.replace(self, mode="SANDBOX", base_url=SANDBOX_BASE_URL,
                                      credentials=None)
        return sandbox.client_factory(), SANDBOX_BASE_URL

    def client_factory(self) -> Callable[[], HerokuClient]:
        """A factory of the one shared client (called once, after the first paint)."""

        def make() -> HerokuClient:
            from heroku_explorer.client import HerokuClient

            transport = None
            credentials = self.credentials
            if self.mode == "SANDBOX":
                from heroku_explorer.client import Credentials
                from heroku_explorer.sandbox import SANDBOX_TOKEN

                spec = self.spec
                assert self._spec is not None
                transport = _sandbox_transport(spec, self._spec[1])
                credentials = Credentials(SANDBOX_TOKEN)
            client = HerokuClient(
                self.base_url,
                credentials,
                variant=self.variant,
                timeout=self.timeout,
                transport=transport,
                history=self.history,
                read_only=self.read_only,
                sandbox=self.mode == "SANDBOX",
            )
            if transport is not None:
                # The lessons set the sandbox up (a small budget, more apps) through it.
                client.sandbox_control = getattr(transport, "app", None)
            return client

        return make


def _sandbox_transport(spec: ApiSpec, schema_bytes: bytes | None) -> httpx.AsyncBaseTransport:
    import httpx

    from heroku_explorer.sandbox import create_app

    seed = int(os.environ.get("HEROKU_EXPLORER_SANDBOX_SEED", "0") or 0)
    return httpx.ASGITransport(app=create_app(spec, seed=seed, schema_bytes=schema_bytes))


API_KEY_WARNING = (
    "heroku-explorer: warning: a key given as `--api-key TOKEN` stays in the shell "
    "history and shows in `ps`; use `--api-key -` (read without echo) or HEROKU_API_KEY.")


def _read_key() -> str:
    """``--api-key -``: without echo on a terminal, else the first line of stdin."""
    import getpass

    stdin = sys.stdin
    try:
        if stdin is not None and stdin.isatty():
            return getpass.getpass("API key: ")
        line = stdin.readline() if stdin is not None else ""
    except EOFError:
        line = ""
    if not line.strip():
        raise UsageError("--api-key - read no key from stdin; pipe it in, or type it "
                         "when asked.")
    return line


def api_url(args: argparse.Namespace) -> tuple[str, str | None]:
    """The API base URL and where it was given (``--api-url``, ``HEROKU_API_URL``,
    or ``None`` for the default), checked by :func:`check_api_url`."""
    from heroku_explorer.client.auth import check_api_url

    given = getattr(args, "api_url", None)
    if given is not None:
        return check_api_url(given, "--api-url").rstrip("/"), "--api-url"
    env = os.environ.get(API_URL_ENV)
    if env:
        return check_api_url(env, API_URL_ENV).rstrip("/"), API_URL_ENV
    return DEFAULT_API_URL, None


def _credentials(args: argparse.Namespace, host: str) -> Credentials | None:
    """The key for ``host`` (the API URL's own host), or ``None``."""
    from heroku_explorer.client import discover

    if getattr(args, "sandbox", False):
        return None
    scheme: Literal["bearer", "basic"] = "basic" if getattr(args, "basic_auth", False) else "bearer"
    explicit = getattr(args, "api_key", None)
    if explicit == "-":
        explicit = _read_key()
    elif explicit is not None and explicit.strip():
        print(API_KEY_WARNING, file=sys.stderr)
    elif explicit is not None:
        raise UsageError("--api-key was given an empty key.")
    credentials = discover(explicit, host=host, scheme=scheme)
    if credentials is not None:
        _SECRETS.update(credentials.secrets)
    return credentials


def history_mode(args: argparse.Namespace, config: Config) -> str:
    """"off" with ``--no-history``, else the config file's setting."""
    return "off" if getattr(args, "no_history", False) else config.history


def fetch_schema_sync(args: argparse.Namespace) -> ApiSpec:
    """For ``heroku-explorer schema --schema URL|live``: fetch and load."""
    return fetch_named(args, api_url(args)[0])


def prepare(args: argparse.Namespace) -> Setup:
    """Decide the mode and how the schema is loaded, without the network (unless
    ``--schema URL`` names one): today's schema cached for the variant, else the
    bundled one, whatever the mode; :attr:`Setup.schema_update` fetches it later.

    Raises :class:`UsageError` when the API URL is malformed, when an API URL is
    given without a key, and when the key may not be sent to the API URL.
    """
    from heroku_explorer.client import describe
    from heroku_explorer.client.auth import check_api_url, looked_at, token_refusal
    from heroku_explorer.config import load_config

    config, notices = load_config()
    variant = args.variant or config.variant
    timeout = args.timeout if args.timeout is not None else config.timeout
    live_url, url_origin = api_url(args)
    host = urlsplit(live_url).hostname or ""
    credentials = _credentials(args, host)
    mode: Mode = "SANDBOX" if credentials is None else "LIVE"
    if mode == "SANDBOX":
        base_url = SANDBOX_BASE_URL
        if args.sandbox:
            if url_origin is not None:
                notices.append(f"--sandbox: the built-in sandbox is used; {url_origin} "
                               f"{visible(live_url, single_line=True)} is not.")
        elif url_origin is not None:
            raise UsageError(
                f"{url_origin} {visible(live_url, single_line=True)} is given but no API key "
                f"was found (looked at {looked_at(host)}); set one, or add --sandbox to use "
                "the built-in sandbox.")
        else:
            notices.append(describe(None, host) + " Set HEROKU_API_KEY to use the live API.")
    else:
        base_url = live_url
        refusal = token_refusal(base_url)
        if refusal is not None:
            raise UsageError(refusal)

    schema = args.schema
    update: SchemaUpdate | None = None
    load: Callable[[], tuple[ApiSpec, bytes | None]]
    if schema is None or schema == "live":
        # Today's public schema from the cache at once, else the bundled one; the
        # fetch waits for the front end (Setup.schema_update), never the first frame.
        load, update = todays_schema(live_url, variant, timeout, notices,
                                     offline=offline(args, config))
    elif schema == "bundled":
        load = bundled
    elif schema.startswith(("http://", "https://")):
        url = check_api_url(schema, "--schema", base=False)
        spec, data, notice = asyncio.run(fetch(args, url, base_url, credentials, variant,
                                                   timeout))
        if notice:
            notices.append(notice)
        fetched: tuple[ApiSpec, bytes | None] = (spec, data)
        load = lambda: fetched  # noqa: E731
    else:
        # A file is read now, so that its errors come before any screen opens.
        from_file: tuple[ApiSpec, bytes | None] = (load_named(schema, args),
                                                   read_bytes(schema))
        load = lambda: from_file  # noqa: E731
    return Setup(
        mode=mode, base_url=base_url, credentials=credentials, config=config,
        variant=variant, timeout=timeout, read_only=args.read_only or config.read_only,
        load=load, notices=notices, history_mode=history_mode(args, config),
        schema_update=update,
    )


def run(command: str, args: argparse.Namespace) -> int:
    """Start ``command`` (tui, repl, call) with everything wired."""
    setup = prepare(args)
    try:
        if command in ("tui", "learn"):
            from heroku_explorer.tui.app import run_tui

            # The history file opens with the client, after the first frame; today's
            # schema is fetched after it too, and a switch to it comes back here.
            return run_tui(
                setup.spec, setup.client_factory(), mode=setup.mode,
                base_url=setup.base_url, read_only=setup.read_only,
                notices=setup.notices, theme=setup.config.theme, keymap=setup.config.keys,
                variant=setup.variant, schema_update=setup.schema_update,
                schema_source=schema_source(args), on_switch=setup.use_schema,
                learn=command == "learn",
                to_sandbox=setup.to_sandbox if setup.mode == "LIVE" else None,
            )
        if command == "repl":
            return asyncio.run(_repl(setup, args))
        if command == "call":
            return asyncio.run(_call(setup, args))
        if command == "logs":
            return asyncio.run(_logs(setup, args))
        raise SchemaError(command, None, "unknown command")
    finally:
        setup.close()


async def _repl(setup: Setup, args: argparse.Namespace) -> int:
    from heroku_explorer.repl.app import run_repl
    from heroku_explorer.repl.history import default_history_path

    def say(text: str) -> None:
        print(text, file=sys.stderr)

    for notice in setup.notices:
        say(notice)
    setup.on_notice = say

    def spec() -> ApiSpec:
        return setup.spec

    # The REPL's own line history follows the history setting: none when it is off.
    path = None if setup.history_mode == "off" else default_history_path()
    return await run_repl(spec, setup.client_factory(), history_path=path,
                          yes=getattr(args, "yes", False), mode=setup.mode,
                          schema_update=setup.schema_update,
                          schema_source=schema_source(args), on_switch=setup.use_schema)


async def _call(setup: Setup, args: argparse.Namespace) -> int:
    from heroku_explorer.repl.call import run_call

    # Not LIVE is always said; the other notices with -v.
    if setup.mode != "LIVE":
        print(f"heroku-explorer: {setup.mode} mode: requests go to the built-in sandbox, "
              "not to Heroku.", file=sys.stderr)
    for notice in setup.notices:
        if args.verbose:
            print(notice, file=sys.stderr)
    async with setup.client_factory()() as client:
        return await run_call(setup.spec, client, args.words, verbose=args.verbose,
                              as_json=args.json, yes=args.yes, mode=setup.mode,
                              jq=args.jq, check=args.check)


async def _logs(setup: Setup, args: argparse.Namespace) -> int:
    from heroku_explorer.logstream import logs_command

    if setup.mode != "LIVE":
        print(f"heroku-explorer: {setup.mode} mode: the log stream comes from the built-in "
              "sandbox, not from Heroku.", file=sys.stderr)
    async with setup.client_factory()() as client:
        return await logs_command(setup.spec, client, args.app, tail=args.tail,
                                  lines=args.num, dyno=args.dyno, source=args.source,
                                  out=sys.stdout, err=sys.stderr)
