"""Showing an answer: the status line, the key headers with ``-v``, the server's
warnings, the body (or why it is not printed), a jq filter of it, and the parts of
the last answer on their own (``headers``, ``body``, ``status``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import heroku_explorer.repl.debugging as debugging
from heroku_explorer.repl.logs import stream_offer
from heroku_explorer.repl.refusals import SessionProblem
from heroku_explorer.repl.render import body_text, headers_text, paint, status_line
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.repl.arguments import Options
    from heroku_explorer.repl.session import Session

__all__ = ["need_last", "show", "show_part"]


def show(session: Session, exchange: Exchange, options: Options) -> bool:
    """Remember ``exchange`` and print it as ``options`` ask; False for an error."""
    session.remember(exchange)
    out, color = session.console, session.console.color
    if exchange.status is None:
        out.error(exchange.error or SessionProblem("no answer"))
        return False
    with_status = session.always_status or options.verbose
    if with_status:
        out.message(status_line(exchange, color=color, more=session.more_hint(exchange)))
    elif exchange.next_range and exchange.status == 206:
        out.message(paint(session.more_hint(exchange), "cyan", color))
    if options.verbose:
        key = headers_text(exchange, color=color, only_key=True)
        if key:
            out.message(key)
    for warning in exchange.warnings:  # the server's words, shown inert
        out.message(paint(f"warning: {visible(warning, single_line=True)}", "yellow",
                          color))
    streamed = session.sink is not None and session.sink.streamed
    if exchange.error is not None:
        out.error(exchange.error, request_id=not with_status)
        if (options.verbose or options.raw_json or session.error_body) and not streamed:
            text = body_text(exchange, color=color, raw=options.raw_json,
                             terminal=not out.raw_out)
            if text:
                out.print(text)
        return False
    session.differences = None
    if with_status or options.check:
        debugging.check_note(session, exchange, always=options.check)
    if options.jq is not None:
        return debugging.print_filtered(session, debugging.answer(exchange), options.jq)
    if exchange.not_modified and session.always_status and not options.raw_json:
        out.message(paint("(unchanged since the last read; 'body' shows it)", "dim", color))
        return True
    if session.sink is not None and streamed:
        if exchange.truncated:
            out.message(f"(the body stopped after {session.sink.written:,} bytes: "
                        f"{visible('; '.join(exchange.notes), single_line=True) or 'cut off'})")
        return True  # the whole body went to stdout as it arrived
    text = body_text(exchange, color=color, raw=options.raw_json, terminal=not out.raw_out)
    if text:
        out.print(text)
    offer = stream_offer(exchange)
    if offer is not None and session.always_status:
        out.message(paint(offer, "dim", color))
    return True


def show_part(session: Session, what: str) -> bool:
    """``status``, ``headers`` or ``body`` of the last answer."""
    last = need_last(session, what)
    console = session.console
    color = console.color
    if what == "status":
        console.print(status_line(last, color=color))
    elif what == "headers":
        console.print(headers_text(last, color=color) or "(no headers)")
    else:
        console.print(body_text(last, color=color, terminal=not console.raw_out)
                      or "(no body)")
    return True


def need_last(session: Session, what: str) -> Exchange:
    """The last exchange, or a :class:`SessionProblem` saying there is none yet."""
    if session.last is None:
        raise SessionProblem(f"nothing to {what} yet: send a request first (try 'app list')")
    return session.last
