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
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, unquote_plus, urlencode, urlsplit

import heroku_explorer.repl.compose as compose
import heroku_explorer.repl.debugging as debugging
import heroku_explorer.repl.docs as docs
from heroku_explorer.errors import ExplorerError, ReadOnlyRefused, ValidationError
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
from heroku_explorer.protocol import H
from heroku_explorer.repl.arguments import place_value
from heroku_explorer.repl.commands import (
    SESSION_COMMANDS,
    Again,
    Call,
    Command,
    Diff,
    Doc,
    Example,
    Exit,
    Export,
    Help,
    Hint,
    History,
    Jq,
    Learn,
    Logs,
    Next,
    Options,
    Overview,
    Parser,
    Raw,
    Revalidate,
    SchemaCommand,
    SetDefaults,
    Show,
    Source,
    UnsetDefaults,
)
from heroku_explorer.repl.refusals import NotConfirmed, NotSent
from heroku_explorer.repl.render import Console, body_text, headers_text, paint, status_line
from heroku_explorer.repl.tokens import ParseError
from heroku_explorer.repl.vocab import default_group
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action, ApiSpec

if TYPE_CHECKING:
    from heroku_explorer.client.client import HerokuClient
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.conformance import Difference
    from heroku_explorer.lessons import Lesson, Tutor
    from heroku_explorer.repl.stream import StdoutSink
    from heroku_explorer.request import RequestSpec
    from heroku_explorer.schema_updates import SchemaUpdate

#: Gives the client for a schema switched to: a new one (the sandbox emulates the
#: new schema; the session closes the old client), or ``None`` to keep the current.
SwitchClient = Callable[["ApiSpec", "bytes | None"], Awaitable["HerokuClient | None"]]

__all__ = ["CANCELLED_UNSAFE", "SUMMARY_LINES", "NotConfirmed", "NotSent", "Session",
           "SwitchClient", "schema_notice", "session_mode"]

#: Lines of a schema change summary shown in the notice and by ``schema``.
SUMMARY_LINES = 6

_SEEN_LIMIT = 50

#: Host names reserved never to resolve (RFC 2606, RFC 6761): a client whose base
#: URL is one of them reaches an in-process sandbox, never the live API.

#: What Ctrl-C during a request that changes data says: it may have landed.
CANCELLED_UNSAFE = "cancelled: the request may already have been carried out; check with a GET"


class _Problem(ExplorerError):
    """A session command that cannot run now (nothing to page, no ETag...)."""


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
        self._seen: dict[str, list[str]] = {}
        self._scoped: dict[tuple[str, str], list[str]] = {}
        self._parent: tuple[str, str] | None = None
        """(resource, parent value) of the exchange being read: its things go there."""
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
        self.stream_to: Callable[[], StdoutSink] | None = None
        """Makes a sink for each request whose large body goes out whole (``call``)."""
        self._streamed: StdoutSink | None = None
        """The request in flight when the last line was cancelled (Ctrl-C)."""
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

    # -- what the completer reads -------------------------------------------------

    def seen(self, resource_key: str, parent: str | None = None) -> Sequence[str]:
        """Names and ids of ``resource_key`` seen, newest first. Things listed under
        a parent (the dynos of one app) are offered only for that parent; without
        one, all are."""
        found = list(self._scoped.get((resource_key, parent), ())) if parent else [
            v for (key, _p), bucket in self._scoped.items() if key == resource_key
            for v in bucket]
        found += self._seen.get(resource_key, ())
        return tuple(dict.fromkeys(found))

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

    async def execute(self, command: Command) -> bool:
        """Run one command. Raises :class:`ExplorerError` for problems found before
        sending; HTTP and network failures are printed and give False."""
        await self.ready()
        match command:
            case Call():
                return await self._send(self._build_call(command), command.options,
                                        command.action)
            case Raw():
                spec = self._build_raw(command)
                action = self.spec.action(spec.action_id) if spec.action_id else None
                return await self._send(spec, command.options, action)
            case Next(options=options):
                return await self._next(options)
            case Again(options=options):
                from heroku_explorer.repl.replay import again

                return await again(self, options)
            case Source(path=path):
                from heroku_explorer.repl.replay import source

                return await source(self, path)
            case Revalidate(options=options):
                last = self.last
                refusal = revalidate_refusal(last)
                if refusal is not None or last is None:
                    raise NotSent(refusal or "Nothing to revalidate yet.")
                return self._show(await self._transmit(last), options)
            case Show(what=what):
                return self._show_part(what)
            case Export(format=fmt):
                # The client's export scrubs every secret it knows, not just the token.
                self.console.print(visible(self.client.export(self._need_last(fmt), fmt)))
            case History(filter=text, verb=""):
                self._history(text)
            case History(verb=verb, number=number, format=fmt):
                from heroku_explorer.repl.replay import history_entry

                return await history_entry(self, verb, number, fmt)
            case Diff(entry=number):
                return debugging.diff(self, number)
            case Jq(expr=expr):
                return debugging.jq_last(self, expr)
            case Doc(resource=res, action=act):
                color = self.console.color
                if act is not None:
                    self.console.print(docs.action_doc(act, color=color))
                elif res is not None:
                    self.console.print(docs.resource_doc(res, color=color))
                else:
                    self.console.print(docs.index_doc(self.spec, color=color))
            case Example(action=act):
                self.console.print(docs.example_text(
                    self.spec, act, base_url=str(self.client.base_url), color=self.console.color,
                    curl_for=self.client.export))
            case Overview(topic=topic):
                self.console.print(docs.overview_text(self.spec, topic, color=self.console.color))
            case SetDefaults(values=values, headers=headers):
                for name, value in headers:
                    self.headers[name.lower()] = (name, value)
                self._set(values)
            case UnsetDefaults(groups=groups, headers=headers):
                for name in headers:
                    if self.headers.pop(name.lower(), None) is None:
                        raise _Problem(f"no session header {visible(name, single_line=True)}"
                                       " (set shows them)")
                for group in groups or (() if headers else tuple(self._defaults)):
                    self._defaults.pop(group, None)
                self._print_defaults()
            case Help(topic=topic):
                res = self.vocab.resource(topic) if topic else None
                text = (docs.resource_doc(res, color=self.console.color) if res is not None
                        and topic not in SESSION_COMMANDS
                        else docs.help_text(topic, color=self.console.color))
                self.console.print(text)
            case SchemaCommand(use=use):
                if use:
                    await self._use_schema()
                else:
                    self._schema_info()
            case Learn(what=what):
                from heroku_explorer.repl.learn import learn

                learn(self, what)
            case Hint():
                from heroku_explorer.repl.learn import hint

                hint(self)
            case Exit():
                self.exiting = True
            case Logs():
                from heroku_explorer.repl.logs import run_logs

                return await run_logs(self, command)
        return True

    def lesson_done(self, lesson: Lesson, explanation: str) -> None:
        """The tutor's word that ``lesson`` was completed: said after the line."""
        self.lessons_done.append((lesson, explanation))

    # -- today's schema --------------------------------------------------------------

    def _schema_info(self) -> None:
        update = self.schema_update
        counts = _counts(self.spec)
        if update is None:
            source = self.schema_source or "the schema given"
            self.console.print(f"schema: {visible(source, single_line=True)} ({counts})")
            if self.schema_source is None or not self.schema_source.startswith("live "):
                self.console.print("today's schema: not fetched (a schema was named)")
            return
        from heroku_explorer.schema_updates import UPDATE_HINT

        host = update.host
        self.console.print(f"schema: {update.source} ({counts})")
        state = {
            "idle": "not fetched yet",
            "fetching": f"loading from {host}…",
            "current": f"the one in use (checked with {host})",
            "failed": update.message or f"{host} could not be asked",
            "offline": f"offline, never fetched; {UPDATE_HINT}",
        }.get(update.state)
        if update.state == "changed":
            self.console.print(schema_notice(update))
        else:
            self.console.print(f"today's schema: {state}")

    async def _use_schema(self) -> None:
        update = self.schema_update
        if update is None or update.state != "changed" or update.new_spec is None:
            why = {"fetching": "it is still loading", "current": "the one in use is today's",
                   "failed": "it could not be fetched", "offline": "offline, nothing is fetched",
                   "idle": "it is not fetched yet"}
            state = update.state if update is not None else None
            raise _Problem("no newer schema to switch to"
                           + (f": {why[state]}" if state in why else ""))
        spec, data = update.new_spec, update.new_bytes
        client = await self.switch_client(spec, data) if self.switch_client else None
        if client is not None:
            old, self._client, self._get_client = self._client, client, None
            if old is not None:
                await old.aclose()
            # The old answers and names came from the old sandbox.
            self.last, self._recent, self._seen, self._scoped = None, [], {}, {}
            if self.tutor is not None:  # a lesson set up the old sandbox
                self.tutor.stop()
                self.tutor.attach(client)
        self.spec = spec
        self.parser = Parser(spec)
        self.vocab = self.parser.vocab
        self.schema_update = None
        self.schema_source = f"live schema ({update.host})"
        self.console.message(f"now on today's schema from {update.host}: {_counts(spec)}"
                             + ("; the sandbox emulates it" if client is not None else ""))
        if self.on_switch is not None:
            self.on_switch(self)

    # -- building requests ----------------------------------------------------------

    def _build_call(self, command: Call) -> RequestSpec:
        from heroku_explorer.request import build_request

        action = command.action
        values: dict[str, Any] = {}
        body = compose.whole_body(command.options)
        if compose.has_body(body) and isinstance(body, dict):
            values.update(body)  # the typed items add to (and win over) the whole body
        for value in compose.load_files(command.values):
            place_value(values, value)
        for p in action.path_params:
            if p.name not in values and (d := self._defaults.get(default_group(p))) is not None:
                values[p.name] = d
        missing = [p for p in action.path_params if p.name not in values]
        if missing:
            from heroku_explorer.repl.vocab import param_label

            names = ", ".join(f"{param_label(p)}=..." for p in missing)
            raise ValidationError(missing[0].name,
                                  f"required; give {names} (or set it once: set {names})")
        # A recalled line holding [REDACTED] is refused as such, before its values
        # are checked (the marker would fail a name's pattern and hide why).
        path_names = {p.name for p in action.path_params}
        probe = resend_refusal(
            action.method,
            " ".join(str(v) for k, v in values.items() if k in path_names),
            list(command.options.headers),
            _json({k: v for k, v in values.items() if k not in path_names}))
        if probe is not None:
            raise NotSent(probe)
        spec = build_request(action, values, headers=command.options.headers,
                             range=command.options.range)
        if compose.has_body(body) and not isinstance(body, dict):
            from dataclasses import replace

            spec = replace(spec, body=body)
        spec = compose.finish(spec, command.options, self.headers)
        return self._if_match(spec, command.options)

    def _build_raw(self, command: Raw) -> RequestSpec:
        from heroku_explorer.request import raw_request

        path, given = compose.fill_placeholders(command.path, command.values, self.vocab,
                                                self._defaults)
        fields = {v.name: (v.data if v.is_json else v.text)
                  for v in compose.load_files(given)}
        body: Any = None
        whole = compose.whole_body(command.options)
        if fields and command.method in ("GET", "HEAD", "DELETE"):
            pairs = [(k, v if isinstance(v, str) else _json(v)) for k, v in fields.items()]
            path += ("&" if "?" in path else "?") + urlencode(pairs)
        elif fields:
            body = fields
        if compose.has_body(whole):
            body = {**whole, **(body or {})} if isinstance(whole, dict) else whole
        headers = list(command.options.headers)
        if command.options.range is not None:
            headers.append((H.RANGE, str(command.options.range)))
        spec = raw_request(command.method, path, body, headers)
        spec = compose.finish(spec, command.options, self.headers)
        return self._if_match(spec, command.options)

    def _if_match(self, spec: RequestSpec, options: Options) -> RequestSpec:
        if not options.if_match:
            return spec
        etag = self.client.etag_for(spec)
        if etag is None and self.last is not None and self.last.etag:
            etag = self.last.etag
        if etag is None:
            raise _Problem(f"no ETag known for {spec.path}: read it first, then --if-match")
        return spec.with_header(H.IF_MATCH, etag)

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
        exchange = await self._transmit(spec)
        shown = self._show(exchange, options)
        if self.ask_code is not None and needs_second_factor(exchange, spec):
            code = await self.ask_code(f"{second_factor_prompt(spec)} Code (empty to skip): ")
            if code:
                exchange = await self._transmit(spec.with_header(H.TWO_FACTOR, code))
                shown = self._show(exchange, options)
        return shown

    async def _transmit(self, request: RequestSpec | Exchange) -> Exchange:
        """Send a request, or revalidate an exchange; remembers what was in flight
        if it is cancelled."""
        from heroku_explorer.client.response import Exchange

        spec = request.spec if isinstance(request, Exchange) else request
        self.interrupted = None
        try:
            if isinstance(request, Exchange):
                return await self.client.revalidate(request)
            sink = self._streamed = self.stream_to() if self.stream_to is not None else None
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
        last = self._need_last("next")
        spec = self.client.next_page(last)
        if spec is None:
            raise _Problem(no_next_page(last))
        return self._show(await self._transmit(spec), options)

    def remember(self, exchange: Exchange) -> None:
        """Keep ``exchange`` as the last one (and in the recent list), and learn the
        names and ids in it."""
        self.last = exchange
        self._recent = [*self._recent[-99:], exchange]
        self._observe(exchange)

    def _show(self, exchange: Exchange, options: Options) -> bool:
        self.remember(exchange)
        out, color = self.console, self.console.color
        if exchange.status is None:
            out.error(exchange.error or _Problem("no answer"))
            return False
        with_status = self.always_status or options.verbose
        if with_status:
            out.message(status_line(exchange, color=color, more=self.more_hint(exchange)))
        elif exchange.next_range and exchange.status == 206:
            out.message(paint(self.more_hint(exchange), "cyan", color))
        if options.verbose:
            key = headers_text(exchange, color=color, only_key=True)
            if key:
                out.message(key)
        for warning in exchange.warnings:  # the server's words, shown inert
            out.message(paint(f"warning: {visible(warning, single_line=True)}", "yellow",
                              color))
        if exchange.error is not None:
            out.error(exchange.error, request_id=not with_status)
            streamed = self._streamed is not None and self._streamed.streamed
            if (options.verbose or options.raw_json or self.error_body) and not streamed:
                text = body_text(exchange, color=color, raw=options.raw_json,
                                 terminal=not out.raw_out)
                if text:
                    out.print(text)
            return False
        self.differences = None
        if with_status or options.check:
            debugging.check_note(self, exchange, always=options.check)
        if options.jq is not None:
            return debugging.print_filtered(self, debugging.answer(exchange), options.jq)
        if exchange.not_modified and self.always_status and not options.raw_json:
            out.message(paint("(unchanged since the last read; 'body' shows it)", "dim", color))
            return True
        if self._streamed is not None and self._streamed.streamed:
            if exchange.truncated:
                out.message(f"(the body stopped after {self._streamed.written:,} bytes: "
                            f"{visible('; '.join(exchange.notes), single_line=True) or 'cut off'})")
            return True  # the whole body went to stdout as it arrived
        text = body_text(exchange, color=color, raw=options.raw_json, terminal=not out.raw_out)
        if text:
            out.print(text)
        from heroku_explorer.repl.logs import stream_offer

        offer = stream_offer(exchange)
        if offer is not None and self.always_status:
            out.message(paint(offer, "dim", color))
        return True

    def _show_part(self, what: str) -> bool:
        last = self._need_last(what)
        color = self.console.color
        if what == "status":
            self.console.print(status_line(last, color=color))
        elif what == "headers":
            self.console.print(headers_text(last, color=color) or "(no headers)")
        else:
            self.console.print(body_text(last, color=color, terminal=not self.console.raw_out)
                               or "(no body)")
        return True

    def _need_last(self, what: str) -> Exchange:
        if self.last is None:
            raise _Problem(f"nothing to {what} yet: send a request first (try 'app list')")
        return self.last

    # -- seen values ----------------------------------------------------------------

    def _observe(self, exchange: Exchange) -> None:
        if exchange.error is not None or exchange.status is None:
            return
        parts = [unquote(p) for p in urlsplit(exchange.url).path.split("/") if p]
        if exchange.method.upper() == "DELETE" and 200 <= exchange.status < 300 and parts:
            self._forget(parts[-1])
            return
        if exchange.body_state != "json":
            return
        action = self.spec.action(exchange.action_id) if exchange.action_id else None
        key = _response_resource(action)
        parent = None
        if action is not None and action.path_params and len(parts) > 1:
            first = action.path_params[0]
            if key is not None and default_group(first) != key:
                parent = parts[1] if action.path.startswith("/") else None
        self._parent = (key, parent) if parent and key else None
        if key is None:
            for part in reversed([p for p in urlsplit(exchange.url).path.split("/") if p]):
                if (res := self.vocab.resource(part)) is not None:
                    key = res.key
                    break
        try:
            self._collect(exchange.data, key, 0)
        finally:
            self._parent = None

    def _collect(self, data: Any, key: str | None, depth: int) -> None:
        if depth > 3:
            return
        if isinstance(data, list):
            for item in data[:500]:
                self._collect(item, key, depth + 1)
            return
        if not isinstance(data, dict):
            return
        if key is not None:
            res = self.spec.resource(key)
            idents = [a.name for a in res.identity] if res is not None and res.identity else []
            for name in idents or ["name", "id"]:
                if isinstance(data.get(name), str):
                    self._remember(key, data[name])
        for name, value in data.items():
            if isinstance(value, dict) and (res := self.vocab.resource(name)) is not None:
                self._collect(value, res.key, depth + 1)

    def _forget(self, value: str) -> None:
        """A thing deleted is no longer offered (nor what was listed under it)."""
        for bucket in [*self._seen.values(), *self._scoped.values()]:
            if value in bucket:
                bucket.remove(value)
        for scope in [s for s in self._scoped if s[1] == value]:
            del self._scoped[scope]

    def _remember(self, key: str, value: str) -> None:
        scope = self._parent
        if scope is not None and scope[0] == key:
            bucket = self._scoped.setdefault(scope, [])
        else:
            bucket = self._seen.setdefault(key, [])
        if value in bucket:
            bucket.remove(value)
        bucket.insert(0, value)
        del bucket[_SEEN_LIMIT:]

    # -- defaults and history ---------------------------------------------------------

    def _set(self, values: tuple[tuple[str, str, str], ...]) -> None:
        for group, _name, value in values:
            self._defaults[group] = value
            self._remember(group, value)
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

    def _history(self, text: str) -> None:
        from heroku_explorer.repl.replay import history_rows

        rows = history_rows(self, text)
        if not rows:
            self.console.print("(no matching requests)")
            return
        self.console.print("  #     mode    host  method path  status  time")
        for row in rows:
            self.console.print(row)


def _counts(spec: ApiSpec) -> str:
    return f"{len(spec.resources)} resources, {sum(1 for _ in spec.actions())} actions"


def schema_notice(update: SchemaUpdate) -> str:
    """The words on a schema that arrived and differs: the first lines of its
    summary and how to switch (names in the summary are already made visible)."""
    lines = (update.summary or "").splitlines()
    shown = [f"today's schema from {update.host} differs from the one in use:",
             *(f"  {line}" for line in lines[:SUMMARY_LINES])]
    if len(lines) > SUMMARY_LINES:
        shown.append(f"  … and {len(lines) - SUMMARY_LINES} more line(s)")
    shown.append("type 'schema use' to switch")
    return visible("\n".join(shown))


def _response_resource(action: Action | None) -> str | None:
    if action is None:
        return None
    return action.response.resource or action.resource


def _json(value: Any) -> str:
    import json

    return json.dumps(value)
