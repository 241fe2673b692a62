"""Running commands: one :class:`Session` per REPL (or per ``call``).

The session owns what the REPL remembers between lines: the last exchange (for
``next``, ``revalidate``, ``headers``, ``curl``...), the ``set`` defaults and the
names and ids seen in responses (offered by the completer). It sends through the
shared :class:`~heroku_explorer.client.client.HerokuClient` and prints through a
:class:`~heroku_explorer.repl.render.Console`; it never reads the terminal.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

import heroku_explorer.repl.command_types as cmd
import heroku_explorer.repl.compose as compose
import heroku_explorer.repl.debugging as debugging
import heroku_explorer.repl.docs as docs
from heroku_explorer.errors import ExplorerError, ReadOnlyRefused
from heroku_explorer.policy import (
    SAFE_METHODS,
    Destruction,
    host_mode,
    needs_confirmation,
    needs_second_factor,
    no_next_page,
    read_only_refusal,
    resend_confirmation,
    resend_refusal,
    revalidate_refusal,
    second_factor_prompt,
)
from heroku_explorer.protocol import HeaderName
from heroku_explorer.repl.answer import need_last, show, show_part
from heroku_explorer.repl.build import build_call, build_raw
from heroku_explorer.repl.commands import Parser
from heroku_explorer.repl.refusals import NotConfirmed, NotSent, SessionProblem
from heroku_explorer.repl.render import Console
from heroku_explorer.repl.schema_switch import schema_info, use_schema
from heroku_explorer.repl.seen import SeenValues
from heroku_explorer.repl.tokens import ParseError
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, ApiSpec

if TYPE_CHECKING:
    from heroku_explorer.client.client import HerokuClient
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.conformance import Difference
    from heroku_explorer.lessons import Lesson, Tutor
    from heroku_explorer.repl.arguments import Options
    from heroku_explorer.repl.stream import StdoutSink
    from heroku_explorer.request import RequestSpec
    from heroku_explorer.schema_updates import SchemaUpdate

#: Gives the client for a schema switched to: a new one (the sandbox emulates the
#: new schema; the session closes the old client), or ``None`` to keep the current.
SwitchClient = Callable[["ApiSpec", "bytes | None"], Awaitable["HerokuClient | None"]]

__all__ = ["CANCELLED_UNSAFE", "NotConfirmed", "NotSent", "Session", "SwitchClient",
           "session_mode"]

#: What Ctrl-C during a request that changes data says: it may have landed.
CANCELLED_UNSAFE = "cancelled: the request may already have been carried out; check with a GET"


def session_mode(client: HerokuClient) -> str:
    """``LIVE`` when ``client`` sends a token to a real host; ``SANDBOX`` otherwise
    (no token, or a reserved host name that only an in-process sandbox answers)."""
    if not client.authenticated:
        return "SANDBOX"
    return host_mode(client.base_url.host or "")


class Session:
    """Executes parsed commands against one spec and one client."""

    def __init__(self, spec: ApiSpec,
                 client: HerokuClient | Callable[[], Awaitable[HerokuClient]],
                 console: Console, *, parser: Parser | None = None,
                 always_status: bool = True, mode: str | None = None,
                 yes: bool = False) -> None:
        self.spec = spec
        self._client: HerokuClient | None = None
        self._get_client: Callable[[], Awaitable[HerokuClient]] | None = None
        if callable(client):
            self._get_client = client
        else:
            self._client = client
        self.console = console
        self.parser = parser or Parser(spec)
        self.vocab = self.parser.vocab
        self.always_status = always_status
        """Print the status line after every call (the REPL), or only with -v (``call``)."""
        self.last: Exchange | None = None
        self.exiting = False
        self._defaults: dict[str, str] = {}
        self.seen_values = SeenValues()
        """The names and ids seen in answers (offered by the completer)."""
        self._recent: list[Exchange] = []
        self.ask_code: Callable[[str], Awaitable[str | None]] | None = None
        """Asks the person for a second-factor code (interactive sessions only)."""
        self.confirm: Callable[[Destruction], Awaitable[str | None]] | None = None
        """Asks the person to type the target of a destruction (interactive sessions
        only); without it, a destruction on the live API is refused unless ``yes``."""
        self.yes = yes
        """``--yes``: destructions on the live API are sent without asking."""
        self._mode = mode
        self.interrupted: RequestSpec | None = None
        """The request in flight when the last line was cancelled (Ctrl-C)."""
        self.stream_to: Callable[[], StdoutSink] | None = None
        """Makes a sink for each request whose large body goes out whole (``call``)."""
        self.sink: StdoutSink | None = None
        """Where the body of the request last sent went as it arrived (``call``)."""
        self.unconfirmed: NotConfirmed | None = None
        """The refusal of the last line when it was a destruction left unconfirmed."""
        self.schema_update: SchemaUpdate | None = None
        """Today's schema in the background (``schema`` and ``schema use``)."""
        self.schema_source: str | None = None
        """Where the schema in use comes from when no update says (``--schema``)."""
        self.switch_client: SwitchClient | None = None
        """Gives the client for a schema switched to (see :data:`SwitchClient`)."""
        self.on_switch: Callable[[Session], None] | None = None
        """Told after ``schema use`` switched (the REPL rebuilds its completer)."""
        self.headers: dict[str, tuple[str, str]] = {}
        """Session headers (``set -H``), by lower-case name: sent with every request."""
        self.error_body = False
        """Print the body of an error answer whatever the options (``call``, as HTTPie)."""
        self.more_hint: Callable[[Exchange], str] = lambda _x: "more: type 'next'"
        """What the status line says when a list has a next page."""
        self.sourcing: set[str] = set()
        """Files being read by ``source`` (one cannot source itself)."""
        self.tutor: Tutor | None = None
        """The lessons (``learn``, ``hint``), made on first use."""
        self.lessons_done: list[tuple[Lesson, str]] = []
        """Lessons completed by the line running, printed after it."""
        self.differences: list[Difference] | None = None
        """How the last answer departs from its schema (``None``: not checked)."""

    # -- the client ------------------------------------------------------------------

    @property
    def client(self) -> HerokuClient:
        """The open client; only valid once :meth:`ready` has returned."""
        if self._client is None:
            raise RuntimeError("the client is not open yet; await Session.ready() first")
        return self._client

    @property
    def client_if_ready(self) -> HerokuClient | None:
        return self._client

    @property
    def mode(self) -> str:
        """``LIVE`` or ``SANDBOX``: given, or told by the client (:func:`session_mode`)."""
        if self._mode is not None:
            return self._mode
        return session_mode(self.client) if self._client is not None else "SANDBOX"

    async def ready(self) -> HerokuClient:
        """The client, waiting for it to open when it is opened lazily."""
        if self._client is None:
            assert self._get_client is not None
            self._client = await self._get_client()
        return self._client

    async def replace_client(self, client: HerokuClient) -> None:
        """Send through ``client`` from now on (closing the one before); the answers
        and names of the old one are forgotten, and a lesson moves to the new one."""
        old, self._client, self._get_client = self._client, client, None
        if old is not None:
            await old.aclose()
        # The old answers and names came from the old sandbox.
        self.last, self._recent = None, []
        self.seen_values.clear()
        if self.tutor is not None:  # a lesson set up the old sandbox
            self.tutor.stop()
            self.tutor.attach(client)

    def use_spec(self, spec: ApiSpec) -> None:
        """Parse and run against ``spec`` from now on."""
        self.spec = spec
        self.parser = Parser(spec)
        self.vocab = self.parser.vocab

    # -- what the completer reads -------------------------------------------------

    def seen(self, resource_key: str, parent: str | None = None) -> Sequence[str]:
        """Names and ids of ``resource_key`` seen, newest first. Things listed under
        a parent (the dynos of one app) are offered only for that parent; without
        one, all are."""
        return self.seen_values.values(resource_key, parent)

    @property
    def defaults(self) -> Mapping[str, str]:
        return dict(self._defaults)

    @property
    def recent(self) -> list[Exchange]:
        """This session's answers, oldest first (``history`` numbers them from 1 when
        no history file is kept)."""
        return list(self._recent)

    # -- running ------------------------------------------------------------------

    async def run_line(self, line: str) -> bool:
        """Parse and run one line; False when it failed (the message is printed)."""
        self.unconfirmed = None
        try:
            command = self.parser.parse(line)
        except ParseError as exc:
            self.console.error(exc, line)
            return False
        try:
            return await self.execute(command)
        except NotConfirmed as exc:
            self.unconfirmed = exc
            self.console.error(exc)
            return False
        except ExplorerError as exc:
            self.console.error(exc)
            return False
        finally:
            if self.lessons_done:
                from heroku_explorer.repl.learn import flush

                flush(self)

    async def execute(self, command: cmd.Command) -> bool:
        """Run one command. Raises :class:`ExplorerError` for problems found before
        sending; HTTP and network failures are printed and give False."""
        await self.ready()
        match command:
            case cmd.Call():
                return await self._send(build_call(self, command), command.options,
                                        command.action)
            case cmd.Raw():
                spec = build_raw(self, command)
                action = self.spec.action(spec.action_id) if spec.action_id else None
                return await self._send(spec, command.options, action)
            case cmd.Next(options=options):
                return await self._next(options)
            case cmd.Again(options=options):
                from heroku_explorer.repl.replay import again

                return await again(self, options)
            case cmd.Source(path=path):
                from heroku_explorer.repl.replay import source

                return await source(self, path)
            case cmd.Revalidate(options=options):
                last = self.last
                refusal = revalidate_refusal(last)
                if refusal is not None or last is None:
                    raise NotSent(refusal or "Nothing to revalidate yet.")
                return show(self, await self.transmit(last), options)
            case cmd.Show(what=what):
                return show_part(self, what)
            case cmd.Export(format=fmt):
                # The client's export scrubs every secret it knows, not just the token.
                self.console.print(visible(self.client.export(need_last(self, fmt), fmt)))
            case cmd.HistoryCommand(filter=text, verb=""):
                from heroku_explorer.repl.replay import print_history

                print_history(self, text)
            case cmd.HistoryCommand(verb=verb, number=number, format=fmt):
                from heroku_explorer.repl.replay import history_entry

                return await history_entry(self, verb, number, fmt)
            case cmd.Diff(entry=number):
                return debugging.diff(self, number)
            case cmd.Jq(expr=expr):
                return debugging.jq_last(self, expr)
            case cmd.Doc() | cmd.Example() | cmd.Overview() | cmd.Help():
                docs.print_doc(self, command)
            case cmd.SetDefaults(values=values, headers=headers):
                for name, value in headers:
                    self.headers[name.lower()] = (name, value)
                self._set(values)
            case cmd.UnsetDefaults(groups=groups, headers=headers):
                for name in headers:
                    if self.headers.pop(name.lower(), None) is None:
                        raise SessionProblem("no session header "
                                             f"{visible(name, single_line=True)} (set shows them)")
                for group in groups or (() if headers else tuple(self._defaults)):
                    self._defaults.pop(group, None)
                self._print_defaults()
            case cmd.SchemaCommand(use=use):
                if use:
                    await use_schema(self)
                else:
                    schema_info(self)
            case cmd.Learn(what=what):
                from heroku_explorer.repl.learn import learn

                learn(self, what)
            case cmd.Hint():
                from heroku_explorer.repl.learn import hint

                hint(self)
            case cmd.Exit():
                self.exiting = True
            case cmd.Logs():
                from heroku_explorer.repl.logs import run_logs

                return await run_logs(self, command)
        return True

    def lesson_done(self, lesson: Lesson, explanation: str) -> None:
        """The tutor's word that ``lesson`` was completed: said after the line."""
        self.lessons_done.append((lesson, explanation))

    # -- sending and showing ----------------------------------------------------------

    def refusal(self, spec: RequestSpec) -> str | None:
        """Why ``spec`` may not be sent at all, or ``None`` (the policy's sentences)."""
        client = self.client
        # The URL as typed: a path or query quotes its brackets (%5BREDACTED%5D).
        resend = resend_refusal(spec.method, unquote_plus(client.url_for(spec)),
                                spec.wire_headers, spec.body_bytes())
        if resend is not None:
            return resend
        return read_only_refusal(client.read_only, spec.method)

    async def _confirmed(self, action: Action | None, spec: RequestSpec, *,
                         resend: bool = False) -> None:
        """Raises :class:`NotConfirmed` unless ``spec`` may be sent: it destroys
        nothing, or this is the sandbox, or ``--yes``, or the person typed the name.
        ``resend``: sent once more, so any change on the live API is asked."""
        ask = resend_confirmation if resend else needs_confirmation
        destruction = ask(self.mode, action, spec)
        if destruction is None or self.yes:
            return
        if self.confirm is None:
            raise NotConfirmed(f"Not sent: {destruction.summary} On the live API this "
                               "needs confirmation; give --yes to send it.", destruction)
        typed = await self.confirm(destruction)
        if typed is None or typed.strip() != destruction.target:
            raise NotConfirmed(f"Not sent: {visible(destruction.target, single_line=True)} "
                               "was not typed, so nothing was changed.", destruction)

    async def send(self, spec: RequestSpec, options: Options, action: Action | None = None,
                   *, resend: bool = False) -> bool:
        """Send ``spec`` through the policy (refusals, confirmation) and show it."""
        return await self._send(spec, options, action, resend=resend)

    async def _send(self, spec: RequestSpec, options: Options,
                    action: Action | None = None, *, resend: bool = False) -> bool:
        refusal = self.refusal(spec)
        if refusal is not None:
            raise NotSent(refusal)
        if options.dry_run:
            self.console.print(compose.dry_run_text(self.client, spec))
            return True
        if options.all_pages:
            from heroku_explorer.repl.pages import all_pages

            await self._confirmed(action, spec, resend=resend)
            return await all_pages(self, spec, options)
        await self._confirmed(action, spec, resend=resend)
        exchange = await self.transmit(spec)
        shown = show(self, exchange, options)
        if self.ask_code is not None and needs_second_factor(exchange, spec):
            code = await self.ask_code(f"{second_factor_prompt(spec)} Code (empty to skip): ")
            if code:
                exchange = await self.transmit(spec.with_header(HeaderName.TWO_FACTOR, code))
                shown = show(self, exchange, options)
        return shown

    async def transmit(self, request: RequestSpec | Exchange) -> Exchange:
        """Send a request, or revalidate an exchange; remembers what was in flight
        if it is cancelled."""
        from heroku_explorer.client.response import Exchange

        spec = request.spec if isinstance(request, Exchange) else request
        self.interrupted = None
        try:
            if isinstance(request, Exchange):
                return await self.client.revalidate(request)
            sink = self.sink = self.stream_to() if self.stream_to is not None else None
            try:
                return await self.client.send(request, sink=sink)
            finally:
                if sink is not None:
                    sink.finish()
        except ReadOnlyRefused as exc:
            raise NotSent(read_only_refusal(True, exc.method) or str(exc)) from None
        except asyncio.CancelledError:
            self.interrupted = spec
            raise

    def cancelled_text(self) -> str:
        """What to say when the last line was cancelled: a request that changes data
        may already have been carried out."""
        spec, self.interrupted = self.interrupted, None
        if spec is not None and spec.method.upper() not in SAFE_METHODS:
            return CANCELLED_UNSAFE
        return "cancelled"

    async def _next(self, options: Options) -> bool:
        last = need_last(self, "next")
        spec = self.client.next_page(last)
        if spec is None:
            raise SessionProblem(no_next_page(last))
        return show(self, await self.transmit(spec), options)

    def remember(self, exchange: Exchange) -> None:
        """Keep ``exchange`` as the last one (and in the recent list), and learn the
        names and ids in it."""
        self.last = exchange
        self._recent = [*self._recent[-99:], exchange]
        self.seen_values.observe(self.spec, self.vocab, exchange)

    # -- defaults and history ---------------------------------------------------------

    def _set(self, values: tuple[tuple[str, str, str], ...]) -> None:
        for group, _name, value in values:
            self._defaults[group] = value
            self.seen_values.remember(group, value)
        self._print_defaults()

    def _print_defaults(self) -> None:
        if self.headers:
            self.console.print(visible("headers: " + "  ".join(
                f"{name}: {value}" for name, value in self.headers.values()), single_line=True))
        if not self._defaults:
            self.console.print("(no defaults; set app=my-app fills every app path parameter)")
            return
        self.console.print(visible("  ".join(f"{self.vocab.group_label(g)}={v}"
                                             for g, v in self._defaults.items()),
                                   single_line=True))
