"""The REPL's debugging commands: ``diff`` / ``diff N``, ``jq EXPR`` and ``--jq``, and
the schema-conformance note under the status line.

The rules live in the UI-free core (:mod:`heroku_explorer.answer_diff`,
:mod:`heroku_explorer.jq_filter`, :mod:`heroku_explorer.conformance`); this module
only finds the answers to compare and prints what the core says.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from heroku_explorer import answer_diff, conformance, jq_filter
from heroku_explorer.errors import ExplorerError
from heroku_explorer.repl.render import paint
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.repl.session import Session

__all__ = ["DebugProblem", "answer", "check_note", "diff", "jq_last", "print_filtered"]

_COLOURS = {"+": "green", "-": "red", "~": "yellow"}


class DebugProblem(ExplorerError):
    """``diff`` or ``jq`` cannot run now: one sentence says why."""


def answer(exchange: Exchange) -> Any:
    """The JSON answer of ``exchange`` for a filter; a :class:`DebugProblem` if none."""
    return _json_of(exchange, "filter")


def _json_of(exchange: Exchange | None, what: str) -> Any:
    if exchange is None:
        raise DebugProblem(f"nothing to {what} yet: send a request first (try 'app list')")
    if exchange.body_state != "json":
        raise DebugProblem(f"the answer is not JSON, so there is nothing to {what}")
    return exchange.data


# -- jq ---------------------------------------------------------------------------


def print_filtered(session: Session, data: Any, expr: str) -> bool:
    """Print ``data`` through the jq filter ``expr`` (like ``jq -r -c``); raises
    :class:`~heroku_explorer.jq_filter.JqError` (one sentence) for a bad filter."""
    result = jq_filter.run(expr, data)
    console = session.console
    for line in jq_filter.lines(result):
        console.print(line if console.raw_out else visible(line))
    return True


def jq_last(session: Session, expr: str) -> bool:
    """``jq EXPR``: the last answer through a filter."""
    return print_filtered(session, _json_of(session.last, "filter"), expr)


# -- conformance --------------------------------------------------------------------


def check_note(session: Session, exchange: Exchange, *, always: bool) -> None:
    """Say how a successful answer departs from its action's schema (a status-line
    note); with ``always`` (``--check``) also say when it conforms or cannot be
    checked. Keeps the differences in ``session.differences``."""
    found = conformance.check_exchange(session.spec, exchange)
    session.differences = found
    color = session.console.color
    if found:
        session.console.message(paint(conformance.note(found), "yellow", color))
        if always:
            for item in found[:50]:
                session.console.message(f"  {item}")
    elif always and found is None:
        session.console.message("(no schema to check this answer against)")
    elif always:
        session.console.message(paint("the answer conforms to the schema", "green", color))


# -- diff ---------------------------------------------------------------------------


def diff(session: Session, number: int | None) -> bool:
    """``diff``: the last answer against the one before it of the same URL;
    ``diff N``: against history entry N. Both sides are compared redacted."""
    last = session.last
    new_data = _json_of(last, "compare")
    assert last is not None
    store = session.client.history
    secrets = tuple(store.secrets) if store is not None else ()
    path = urlsplit(last.url).path
    new = answer_diff.redacted(new_data, path, secrets)
    if number is None:
        old, label = _previous(session, last, secrets)
    else:
        old, label = _numbered(session, number, secrets)
        if label.split(" ", 2)[2:] != [path]:
            label += f" (the last answer is from {path})"
    changes = answer_diff.diff(old, new)
    console, color = session.console, session.console.color
    console.print(visible(f"{label} → the last answer: {answer_diff.summary(changes)}",
                          single_line=True))
    for line in answer_diff.render(changes):
        console.print(paint(line, _COLOURS.get(line[:1], "dim"), color))
    return True


def _previous(session: Session, last: Exchange, secrets: tuple[str, ...]) -> tuple[Any, str]:
    before = answer_diff.earlier(last, session.recent[:-1])
    if before is not None:
        return (answer_diff.answer_of(before, secrets),
                f"{before.method} {urlsplit(before.url).path}")
    store = session.client.history
    if store is not None and store.enabled:
        path = urlsplit(last.url).path
        rows = [e for e in store.search(path=path, method=last.method, limit=50)
                if e.path == path]
        # The newest row is the last answer itself (recorded when it arrived).
        for entry in rows[1:]:
            data = answer_diff.stored_answer(entry)
            if data is not None:
                return data, f"#{entry.id} {entry.method} {entry.path}"
    raise DebugProblem("no earlier answer of this URL to compare with: send it again, "
                       "or give a history number (diff N)")


def _numbered(session: Session, number: int, secrets: tuple[str, ...]) -> tuple[Any, str]:
    store = session.client.history
    if store is not None and store.enabled:
        entry = store.get(number)
        if entry is None:
            raise DebugProblem(f"history has no entry #{number} (see 'history')")
        data = answer_diff.stored_answer(entry)
        if data is None:
            raise DebugProblem(f"history entry #{number} kept no JSON answer to compare")
        return data, f"#{number} {entry.method} {entry.path}"
    recent = session.recent
    if number > len(recent):
        raise DebugProblem(f"history has no entry #{number} (see 'history')")
    earlier = recent[number - 1]
    if earlier.body_state != "json":
        raise DebugProblem(f"history entry #{number} has no JSON answer to compare")
    path = urlsplit(earlier.url).path
    return (answer_diff.redacted(earlier.data, path, secrets),
            f"#{number} {earlier.method} {path}")
