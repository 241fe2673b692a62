"""Earlier requests: the numbered ``history`` (with host and mode), ``history show
N``, ``history send N``, ``history export N FORMAT``, ``again`` and ``source FILE``.

A request sent once more goes through the same policy as a new one (refusals,
confirmation; on the live API a change is asked again), and only to the host it
was first sent to: an entry of the sandbox is never sent to the live API.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from heroku_explorer.errors import ExplorerError
from heroku_explorer.policy import host_mode, resend_host_refusal
from heroku_explorer.repl.arguments import Options
from heroku_explorer.repl.render import format_json
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.client.history import HistoryEntry
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.repl.session import Session

__all__ = ["Record", "again", "history_entry", "history_rows", "host_mode", "print_history",
           "records", "source"]

#: Request headers the client sets itself: not carried over when sending again.
_CLIENT_HEADERS = frozenset({"authorization", "accept", "user-agent", "content-type",
                             "content-length", "host", "accept-encoding", "connection",
                             "x-http-method-override"})

_ROWS = 20


class ReplayProblem(ExplorerError):
    """An earlier request that cannot be shown or sent again: one sentence."""


@dataclass(frozen=True, slots=True)
class Record:
    """One earlier exchange, from the history store or from this session."""

    number: int
    method: str
    url: str
    request_headers: tuple[tuple[str, str], ...]
    request_body: bytes | None
    status: int | None
    reason: str
    headers: tuple[tuple[str, str], ...]
    body: bytes
    error: str
    action_id: str | None
    elapsed_ms: float
    body_cut: bool = False

    @property
    def host(self) -> str:
        return urlsplit(self.url).netloc or "?"

    @property
    def mode(self) -> str:
        return host_mode(urlsplit(self.url).hostname or "")

    @property
    def target(self) -> str:
        parts = urlsplit(self.url)
        return parts.path + (f"?{parts.query}" if parts.query else "")


def _from_entry(e: HistoryEntry) -> Record:
    return Record(e.id, e.method, e.url, e.request_headers, e.request_body, e.status,
                  e.reason, e.response_headers, e.response_body, e.error or "",
                  e.action_id, e.elapsed_ms, e.request_body_truncated)


def _from_exchange(number: int, x: Exchange) -> Record:
    return Record(number, x.method, x.url, x.request_headers, x.request_body, x.status,
                  x.reason, x.headers, x.body, str(x.error or ""), x.action_id, x.elapsed_ms)


def _store(session: Session) -> Any:
    store = session.client.history
    return store if store is not None and store.enabled else None


def records(session: Session, text: str = "") -> list[Record]:
    """The last :data:`_ROWS` requests matching ``text``, oldest first."""
    if text.upper() in ("SANDBOX", "LIVE"):
        mode = text.upper()
        return [r for r in records(session, "") if r.mode == mode]
    store = _store(session)
    if store is None:
        found = [_from_exchange(i, x) for i, x in enumerate(session.recent, 1)]
        if text:
            found = [r for r in found if text.casefold()
                     in f"{r.method} {r.target} {r.status} {r.host}".casefold()]
        return found[-_ROWS:]
    kwargs: dict[str, Any] = {}
    if re.fullmatch(r"\d(xx|\d\d)", text.lower()):
        kwargs["status"] = text.lower() if "x" in text.lower() else int(text)
    elif text.upper() in ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"):
        kwargs["method"] = text.upper()
    elif text:
        kwargs["path"] = text
    return [_from_entry(e) for e in reversed(store.search(limit=_ROWS, **kwargs))]


def history_rows(session: Session, text: str) -> list[str]:
    """``  #12  SANDBOX  api.sandbox.invalid  GET    /apps  200  4 ms`` lines."""
    rows = []
    for r in records(session, text):
        status = str(r.status) if r.status is not None else (r.error or "no answer")
        rows.append(visible(f"  #{r.number:<4} {r.mode:<7} {r.host}  {r.method:<6} "
                            f"{r.target}  {status}  {r.elapsed_ms:.0f} ms", single_line=True))
    return rows


def print_history(session: Session, text: str) -> None:
    """``history [filter]``: the matching requests, a row each."""
    rows = history_rows(session, text)
    if not rows:
        session.console.print("(no matching requests)")
        return
    session.console.print("  #     mode    host  method path  status  time")
    for row in rows:
        session.console.print(row)


def find(session: Session, number: int) -> Record:
    store = _store(session)
    if store is not None:
        entry = store.get(number)
        if entry is not None:
            return _from_entry(entry)
    else:
        recent = session.recent
        if 0 < number <= len(recent):
            return _from_exchange(number, recent[number - 1])
    raise ReplayProblem(f"no request #{number} in the history ('history' lists them)")


def _show(session: Session, r: Record) -> None:
    console = session.console
    status = f"{r.status} {r.reason}".strip() if r.status is not None else (
        r.error or "no answer")
    console.print(visible(f"#{r.number} {r.mode} {r.method} {r.url} -> {status}",
                          single_line=True))
    for name, value in r.headers:
        console.print(f"{visible(name, single_line=True)}: {visible(value, single_line=True)}")
    if not r.body:
        return
    console.print("")
    try:
        data = json.loads(r.body)
    except (ValueError, RecursionError):
        console.print(visible(r.body.decode("utf-8", errors="replace")))
        return
    console.print(format_json(data, color=console.color))


def _spec_of(session: Session, r: Record) -> Any:
    """The request of ``r``, ready to send again on this session's host."""
    from heroku_explorer.request import raw_request

    refusal = resend_host_refusal(r.url, str(session.client.base_url))
    if refusal is not None:
        raise ReplayProblem(f"{refusal} ('history export {r.number} curl' gives the "
                            "command.)")
    if r.body_cut:
        raise ReplayProblem(f"Not sent: the body of #{r.number} was kept only in part.")
    body = None
    if r.request_body:
        try:
            body = json.loads(r.request_body)
        except (ValueError, RecursionError):
            raise ReplayProblem(f"Not sent: the body of #{r.number} is not JSON.") from None
    headers = [(k, v) for k, v in r.request_headers if k.lower() not in _CLIENT_HEADERS]
    spec = raw_request(r.method, r.target, body, headers)
    return replace(spec, action_id=r.action_id)


async def history_entry(session: Session, verb: str, number: int, fmt: str) -> bool:
    """``history show|send|export N``."""
    r = find(session, number)
    if verb == "show":
        _show(session, r)
        return True
    if verb == "export":
        from heroku_explorer.client.response import Outgoing

        same_host = (urlsplit(r.url).hostname or "") == (session.client.base_url.host or "")
        wire = Outgoing(r.method, r.url, r.request_headers, r.request_body,
                        authenticated=same_host and session.client.authenticated)
        session.console.print(visible(session.client.export(wire, fmt)))  # type: ignore[arg-type]
        return True
    spec = _spec_of(session, r)
    action = session.spec.action(spec.action_id) if spec.action_id else None
    return await session.send(spec, Options(), action, resend=True)


async def again(session: Session, options: Options) -> bool:
    """Send the last request once more (a change on the live API asks first)."""
    last = session.last
    if last is None or last.spec is None:
        raise ReplayProblem("nothing to send again yet: send a request first (try 'app list')")
    spec = last.spec
    action = session.spec.action(spec.action_id) if spec.action_id else None
    return await session.send(spec, options, action, resend=True)


async def source(session: Session, path: str) -> bool:
    """Run the lines of ``path`` as if typed (``\\`` continues a line); stops at a
    destruction left unconfirmed."""
    from pathlib import Path

    from heroku_explorer.repl.compose import read_file
    from heroku_explorer.repl.lines import logical_lines

    key = str(Path(path).expanduser().resolve())
    if key in session.sourcing:
        raise ReplayProblem(f"{visible(path, single_line=True)} is already being read "
                            "(a file cannot source itself)")
    text = read_file(path, what="source", sent=False)
    session.sourcing.add(key)
    ok = True
    try:
        for line in logical_lines(text.splitlines()):
            ok = await session.run_line(line) and ok
            if session.unconfirmed is not None or session.exiting:
                break
    finally:
        session.sourcing.discard(key)
    return ok
