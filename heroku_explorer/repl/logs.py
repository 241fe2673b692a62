"""The REPL's ``logs``: follow the stream the last answer offers (a log session's
``logplex_url``, a build's ``output_stream_url``), or ``logs APP [--tail] [--num N]``
to create a log session and follow it. Ctrl-C stops a followed stream (the line is
cancelled, as any other)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from heroku_explorer.repl.tokens import ParseError, Token

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.repl.session import Session

__all__ = ["Logs", "parse_logs", "run_logs", "stream_offer"]

_USAGE = "usage: logs  |  logs APP [--tail] [--num N] [--dyno D] [--source S]"


@dataclass(frozen=True, slots=True)
class Logs:
    """``logs`` (the last answer's stream) or ``logs APP`` with its options."""

    app: str | None = None
    tail: bool = False
    lines: int | None = None
    dyno: str | None = None
    source: str | None = None


def parse_logs(tokens: list[Token], line: str) -> Logs:
    """``logs`` and its words; raises :class:`ParseError`."""
    app: str | None = None
    values: dict[str, Any] = {}
    args = iter(tokens[1:])
    for tok in args:
        word = tok.text
        if word == "--tail" and not tok.quoted:
            values["tail"] = True
        elif word in ("--num", "-n", "--dyno", "--source") and not tok.quoted:
            value = next(args, None)
            if value is None:
                raise ParseError(f"{word} needs a value ({_USAGE})", len(line))
            if word in ("--num", "-n"):
                if not value.text.isdigit() or not 1 <= int(value.text) <= 5000:
                    raise ParseError(f"{word} takes a whole number from 1 to 5000",
                                     value.start, end=value.end)
                values["lines"] = int(value.text)
            else:
                values[word.removeprefix("--")] = value.text
        elif word.startswith("-") and not tok.quoted:
            raise ParseError(f"unknown option '{word}' ({_USAGE})", tok.start, end=tok.end)
        elif app is None:
            app = word
        else:
            raise ParseError(f"logs takes one app ({_USAGE})", tok.start, end=tok.end)
    if app is None and values:
        raise ParseError(f"the options need an app ({_USAGE})", len(line))
    return Logs(app, **values)


def stream_offer(exchange: Exchange) -> str | None:
    """The line that offers to follow the stream an answer holds, else ``None``."""
    from heroku_explorer.logstream import stream_url_of

    if exchange.status is None or not 200 <= exchange.status < 300:
        return None
    target = stream_url_of(exchange.data)
    if target is None:
        return None
    return f"(this answer offers its {target.label} stream: 'logs' follows it, Ctrl-C stops)"


async def run_logs(session: Session, command: Logs) -> bool:
    """Follow a stream, each line printed as it arrives; False when it failed."""
    from heroku_explorer.logstream import follow_client, log_session_request, stream_url_of

    client = session.client
    if command.app is not None:
        request = log_session_request(session.spec, command.app, tail=command.tail,
                                      lines=command.lines, dyno=command.dyno,
                                      source=command.source)
        from heroku_explorer.repl.refusals import NotSent

        refusal = session.refusal(request)
        if refusal is not None:
            raise NotSent(refusal)
        # The session's answer holds the stream URL, a credential: not printed.
        exchange = await session.transmit(request)
        session.last = exchange
        if not exchange.ok:
            session.console.error(exchange.error or NotSent(exchange.summary))
            return False
    last = session.last
    target = stream_url_of(last.data) if last is not None and last.ok else None
    if target is None:
        session.console.message("No stream to follow: the last answer holds no logplex_url "
                                "or output_stream_url (try: logs APP).")
        return False
    async for text in follow_client(client, target):
        session.console.print(text)
    session.console.message(f"(the {target.label} stream ended)")
    return True
