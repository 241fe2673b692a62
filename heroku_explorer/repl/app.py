"""``heroku-explorer repl``: the read-eval-print loop around a :class:`Session`.

Interactive: ``PromptSession.prompt_async`` under ``patch_stdout``, so the loop
shares the event loop with the client. Ctrl-C at the prompt clears the line,
Ctrl-C while a request is in flight cancels that request (not the REPL), Ctrl-D
leaves. Command history lives in a file of mode 0600 and never holds a token
(:mod:`.history`). When stdin is not a terminal (``heroku-explorer repl <
script.txt``) the lines run without prompts; the exit status is then 1 when any
of them failed.

Start-up is a feature. ``spec`` may be an :class:`ApiSpec` or a zero-argument
callable that loads one, and ``client`` an open :class:`HerokuClient` or a
zero-argument callable returning an async context manager of one (the
``HerokuClient`` constructor is such a callable). Given callables, the REPL draws
its first prompt with nothing but prompt-toolkit imported, then loads the schema,
the engine and httpx in the background; a line typed before that is done simply
waits for it. The REPL closes a client it opened itself.

Today's schema is fetched after the first prompt too (``schema_update``, never in a
script): one notice says when a different one arrived, ``schema`` tells where the
schema in use comes from, and ``schema use`` switches to it (a new parser and
completer; in sandbox mode a new sandbox on it, the previous client closed).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import Callable, Iterable
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import IO, TYPE_CHECKING, TextIO, Union

from heroku_explorer.repl.history import default_history_path, open_history

if TYPE_CHECKING:
    from prompt_toolkit.completion import Completer
    from prompt_toolkit.input import Input
    from prompt_toolkit.output import Output

    from heroku_explorer.client.client import HerokuClient
    from heroku_explorer.repl.session import Session
    from heroku_explorer.schema.model import ApiSpec
    from heroku_explorer.schema_updates import SchemaUpdate

__all__ = ["ClientSource", "SpecSource", "default_history_path", "run_repl"]

#: An open client, or a factory of one that the REPL opens and closes.
ClientSource = Union["HerokuClient", Callable[[], AbstractAsyncContextManager["HerokuClient"]]]
#: A loaded spec, or a function that loads it.
SpecSource = Union["ApiSpec", Callable[[], "ApiSpec"]]
#: The runtime's hand-over on a switch: the factory of a client on the new schema.
OnSwitch = Callable[["ApiSpec", "bytes | None"], Callable[[], "HerokuClient"]]


class ReplRuntime:
    """Everything behind the prompt, made ready in the background on first need."""

    def __init__(self, spec: SpecSource, client: ClientSource,
                 stack: contextlib.AsyncExitStack, stdout: IO[str] | None,
                 stderr: IO[str] | None, *, interactive: bool, yes: bool = False,
                 mode: str | None = None, schema_update: SchemaUpdate | None = None,
                 schema_source: str | None = None,
                 on_switch: OnSwitch | None = None) -> None:
        self.yes = yes
        self.schema_update = schema_update
        self.schema_source = schema_source
        self.on_switch = on_switch
        self._update_task: asyncio.Task[None] | None = None
        self._switched_client: HerokuClient | None = None
        self.mode = mode
        self.spec_source = spec
        self.client_source = client
        self.stack = stack
        self.stdout = stdout
        self.stderr = stderr
        self.interactive = interactive
        self.session: Session | None = None
        self.completer: Completer | None = None
        self.on_change: Callable[[], None] = lambda: None
        """Called when the session or the client becomes ready (redraws the toolbar)."""
        self._task: asyncio.Task[Session] | None = None
        self._client_task: asyncio.Task[HerokuClient] | None = None

    def start(self) -> None:
        """Begin loading (called just after the first prompt is drawn)."""
        if self._task is None:
            self._task = asyncio.ensure_future(self._build())
        if self._client_task is None and callable(self.client_source):
            self._client_task = asyncio.ensure_future(self._open_client())
        update = self.schema_update
        if (self._update_task is None and self.interactive and update is not None
                and update.state == "idle"):
            update.on_change = self._schema_settled
            self._update_task = asyncio.ensure_future(update.run())

    async def stop(self) -> None:
        """Stop the schema fetch if it is still going (the REPL is leaving)."""
        task, self._update_task = self._update_task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _message(self, text: str) -> None:
        if self.session is not None:
            self.session.console.message(text)
            return
        err = self.stderr or self.stdout or sys.stderr
        err.write(text + "\n")
        err.flush()

    def _schema_settled(self, update: SchemaUpdate) -> None:
        """One notice when a different schema arrived (or when the bundled one stays
        because the fetch failed)."""
        from heroku_explorer.safe_text import visible
        from heroku_explorer.schema_updates import BUNDLED_SOURCE, UPDATE_HINT

        if update.state == "changed":
            from heroku_explorer.repl.schema_switch import schema_notice

            self._message(schema_notice(update))
        elif update.state == "failed" and update.source == BUNDLED_SOURCE:
            why = update.message or f"{update.host} could not be asked for the schema."
            self._message(visible(f"{why} The bundled 2013 manifest stays in use; "
                                  f"{UPDATE_HINT}.", single_line=True))
        self.on_change()

    async def _switch_client(self, spec: ApiSpec, data: bytes | None) -> HerokuClient | None:
        """The hand-over on ``schema use``: in sandbox mode a client on a sandbox that
        emulates ``spec``; otherwise the client stays (``None``)."""
        if self.on_switch is None:
            return None
        factory = self.on_switch(spec, data)
        if self.mode != "SANDBOX":
            return None
        client = await self.stack.enter_async_context(factory())
        self._switched_client = client
        self.on_change()
        return client

    def _switched(self, session: Session) -> None:
        if self.interactive:
            from heroku_explorer.repl.completer import ReplCompleter

            self.completer = ReplCompleter(session.spec, session, session.parser)
        self.on_change()

    async def ready(self) -> Session:
        self.start()
        assert self._task is not None
        return await self._task

    async def _build(self) -> Session:
        spec = self.spec_source
        if callable(spec):
            spec = await asyncio.to_thread(spec)
        await asyncio.to_thread(_import_engine, self.interactive)
        from heroku_explorer.repl.render import Console, use_color
        from heroku_explorer.repl.session import Session

        out = self.stdout or sys.stdout
        err = self.stderr or (out if self.interactive else sys.stderr)
        session = Session(spec, self._client, Console(out, err, use_color(out)),
                          yes=self.yes, mode=self.mode)
        session.schema_update = self.schema_update
        session.schema_source = self.schema_source
        session.switch_client = self._switch_client
        session.on_switch = self._switched
        if self.interactive:
            from heroku_explorer.repl.completer import ReplCompleter

            self.completer = ReplCompleter(spec, session, session.parser)
        self.session = session
        self.on_change()
        return session

    async def _open_client(self) -> HerokuClient:
        # Import httpx off the event loop's thread so the prompt stays responsive.
        await asyncio.to_thread(__import__, "httpx")
        factory = self.client_source
        assert callable(factory)
        client = await self.stack.enter_async_context(factory())
        self.on_change()
        return client

    async def _client(self) -> HerokuClient:
        if not callable(self.client_source):
            return self.client_source
        self.start()
        assert self._client_task is not None
        return await self._client_task

    @property
    def client_if_ready(self) -> HerokuClient | None:
        if self._switched_client is not None:
            return self._switched_client
        if not callable(self.client_source):
            return self.client_source
        task = self._client_task
        if task is None or not task.done() or task.cancelled() or task.exception():
            return None
        return task.result()

    def secrets(self) -> tuple[str, ...]:
        creds = getattr(self.client_if_ready, "credentials", None)
        return tuple(getattr(creds, "secrets", ()) or ())


def _import_engine(interactive: bool) -> None:
    import heroku_explorer.repl.session

    if interactive:
        import heroku_explorer.repl.completer  # noqa: F401


async def run_repl(
    spec: SpecSource,
    client: ClientSource,
    *,
    history_path: Path | str | None,
    input: Input | None = None,
    output: Output | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    yes: bool = False,
    mode: str | None = None,
    schema_update: SchemaUpdate | None = None,
    schema_source: str | None = None,
    on_switch: OnSwitch | None = None,
) -> int:
    """Run the REPL until ``exit`` or Ctrl-D; the exit status.

    ``spec`` and ``client`` may be given ready or as factories (see the module
    docs). ``history_path`` is the history file (``None``: in memory only).
    ``input``/``output`` are prompt-toolkit's (tests pass a pipe input and
    ``DummyOutput``); ``stdout``/``stderr`` receive the results and messages
    (default: the terminal, through ``patch_stdout``). ``yes`` sends destructions
    on the live API without asking; ``mode`` (``LIVE``/``SANDBOX``) is told by the
    client when not given. ``schema_update`` is today's schema, fetched after the
    first prompt (never in a script); ``schema_source`` says where a named schema
    comes from; ``on_switch`` gives the client factory for ``schema use``.
    """
    interactive = input is not None or _isatty(sys.stdin)
    if interactive and output is None and stdout is None:
        output, stdout = _terminal_streams(sys.stdout, sys.stderr)
    async with contextlib.AsyncExitStack() as stack:
        engine = ReplRuntime(spec, client, stack, stdout, stderr, interactive=interactive,
                         yes=yes, mode=mode, schema_update=schema_update,
                         schema_source=schema_source, on_switch=on_switch)
        try:
            if not interactive:
                return await _run_script(await engine.ready(), sys.stdin)
            return await _interactive(engine, history_path, input, output)
        finally:
            await engine.stop()


def _terminal_streams(stdout: TextIO, stderr: TextIO) -> tuple[Output | None, IO[str] | None]:
    """Where the prompt is drawn and where results go. With stdout a pipe (``repl |
    tee log``) and stderr the terminal, the prompt is drawn on stderr and results
    go to stdout as plain text, with no cursor codes; otherwise both are the
    terminal (``None, None``)."""
    if _isatty(stdout) or not _isatty(stderr):
        return None, None
    from prompt_toolkit.output import create_output

    return create_output(stdout=stderr), stdout


def _isatty(stream: IO[str] | None) -> bool:
    try:
        return bool(stream is not None and stream.isatty())
    except (ValueError, OSError):
        return False


async def _run_script(session: Session, lines: Iterable[str]) -> int:
    from heroku_explorer.repl.lines import logical_lines

    failed = False
    for line in logical_lines(lines):
        try:
            ok = await _guarded(session, line)
        except BrokenPipeError:
            # Nobody reads the results any more (| head -1): send nothing else.
            _closed(session)
            return 1
        failed = failed or not ok
        if session.unconfirmed is not None:
            # A script cannot confirm; what follows may depend on what was refused.
            _say(session, "stopped: the lines after it were not run.")
            return 2
        if session.exiting:
            break
    return 1 if failed else 0


def _say(session: Session, text: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        session.console.message(text)


def _closed(session: Session) -> None:
    from heroku_explorer.repl.render import quiet_closed

    quiet_closed(session.console.out)


async def _guarded(session: Session, line: str) -> bool:
    """Run one line; never lets an error end the REPL (but a closed stdout does:
    :class:`BrokenPipeError` goes up)."""
    try:
        return await session.run_line(line)
    except (asyncio.CancelledError, BrokenPipeError):
        raise
    except Exception as exc:  # the REPL goes on, whatever happened
        session.console.error(exc)
        return False


async def _cancellable(session: Session, line: str) -> bool:
    """Run one line with Ctrl-C (SIGINT) bound to cancelling it."""
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(_guarded(session, line))
    installed = False
    with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
        loop.add_signal_handler(signal.SIGINT, task.cancel)
        installed = True
    try:
        return await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
        session.console.message(session.cancelled_text())
        return False
    finally:
        if installed:
            loop.remove_signal_handler(signal.SIGINT)


async def _interactive(engine: ReplRuntime, history_path: Path | str | None,
                       input: Input | None, output: Output | None) -> int:
    from prompt_toolkit import PromptSession
    from prompt_toolkit.auto_suggest import AutoSuggestFromHistory
    from prompt_toolkit.completion import DummyCompleter, DynamicCompleter
    from prompt_toolkit.patch_stdout import patch_stdout

    from heroku_explorer.repl.lexer import prompt_lexer
    from heroku_explorer.repl.lines import continues, logical_lines
    from heroku_explorer.repl.prompts import code_asker, confirmer, prompt_text, toolbar

    history = open_history(history_path, engine.secrets())
    nothing = DummyCompleter()
    patcher = patch_stdout(raw=True) if engine.stdout is None else contextlib.nullcontext()
    with patcher:
        prompt: PromptSession[str] = PromptSession(
            message=lambda: prompt_text(engine.session),
            lexer=prompt_lexer(),
            completer=DynamicCompleter(lambda: engine.completer or nothing),
            complete_while_typing=True,
            auto_suggest=AutoSuggestFromHistory(),
            history=history,
            input=input,
            output=output,
            bottom_toolbar=lambda: toolbar(engine),
        )
        engine.on_change = prompt.app.invalidate
        while engine.session is None or not engine.session.exiting:
            try:
                line = await prompt.prompt_async(pre_run=engine.start)
                while continues(line.splitlines()[-1] if line.strip() else ""):
                    # A trailing backslash continues the command on the next line.
                    line += "\n" + await prompt.prompt_async(message="... ")
            except KeyboardInterrupt:
                continue
            except EOFError:
                break
            if not line.strip():
                continue
            try:
                session = await engine.ready()
            except Exception as exc:  # the schema could not be loaded
                from heroku_explorer.repl.render import error_text

                (engine.stderr or engine.stdout or sys.stderr).write(error_text(exc) + "\n")
                return 2
            if hasattr(history, "secrets"):
                history.secrets = engine.secrets()
            if session.ask_code is None:
                session.ask_code = code_asker(input, output)
            if session.confirm is None:
                session.confirm = confirmer(input, output)
            # A paste of several lines runs them one by one, in order.
            for one in logical_lines([line]):
                try:
                    await _cancellable(session, one)
                except BrokenPipeError:
                    _closed(session)
                    return 1
                if session.exiting or session.unconfirmed is not None:
                    break
    return 0
