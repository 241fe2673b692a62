"""The history screen: every exchange, filtered by status, path, method or Request-Id.

With a history file (the default) it lists persisted exchanges too; without one,
this session's. Each row names the host the exchange went to and its mode
(SANDBOX or LIVE). Enter inspects, ``r`` sends again: the exchange's own action
opens with the form filled from it (to edit and send once more) and the answer
shows under it; an exchange of another host or mode is refused with a sentence
(:func:`heroku_explorer.policy.resend_host_refusal`). ``c`` / ``h`` / ``p`` copy
the request as curl, HTTPie or Python.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import parse_qsl, unquote, urlsplit

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Input, Label

from heroku_explorer.errors import RequestInvalid
from heroku_explorer.policy import host_of, mode_of, resend_host_refusal, resend_refusal
from heroku_explorer.request import RequestSpec, raw_request
from heroku_explorer.tui.context import ExplorerContext
from heroku_explorer.tui.messages import ClientOpened, ResendRequested
from heroku_explorer.tui.widgets.key_footer import KeyFooter
from heroku_explorer.tui.widgets.text import literal_text

if TYPE_CHECKING:
    from heroku_explorer.client import Exchange, HistoryEntry
    from heroku_explorer.schema.model import Action

__all__ = ["HistoryFilter", "HistoryScreen", "format_clock", "parse_filter", "request_values"]

_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"}
_RESEND_SKIP = {"authorization", "user-agent", "accept", "content-type", "content-length",
                "host", "accept-encoding", "connection", "if-none-match"}


def format_clock(ts: float) -> str:
    """When an exchange happened, as the table shows it."""
    return time.strftime("%H:%M:%S", time.localtime(ts)) if ts else "–"


def request_values(action: Action, url: str, body: bytes | None) -> dict[str, Any] | None:
    """The form values that make ``action`` send ``url`` with ``body`` again: path
    parameters read from the path by the action's template, query parameters from the
    query, body fields from a JSON object body. ``None``: the URL is not one of the
    action's (another schema's path, a raw request)."""
    parts = urlsplit(url)
    pattern = re.sub(r"\\\{([^}]+)\\\}", r"(?P<\1>[^/]+)", re.escape(action.path))
    try:
        match = re.fullmatch(pattern, parts.path)
    except re.error:  # a placeholder name that is no group name
        return None
    if match is None:
        return None
    values: dict[str, Any] = {k: unquote(v) for k, v in match.groupdict().items()}
    names = {p.name for p in action.query_params}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in names:
            values[key] = value
    if body:
        try:
            data = json.loads(body)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        values.update(data)
    return values


@dataclass(frozen=True)
class HistoryFilter:
    status: str | None = None
    method: str | None = None
    path: str | None = None
    request_id: str | None = None


def parse_filter(text: str) -> HistoryFilter:
    """``404``, ``4xx``, ``GET``, ``/apps`` or a Request-Id prefix, in any mix."""
    status = method = path = request_id = None
    for word in text.split():
        if re.fullmatch(r"\d{3}|[1-5]xx", word, re.IGNORECASE):
            status = word.lower()
        elif word.upper() in _METHODS:
            method = word.upper()
        elif word.startswith("/"):
            path = word
        elif re.fullmatch(r"[0-9a-fA-F-]{4,}", word):
            request_id = word
        else:
            path = word
    return HistoryFilter(status, method, path, request_id)


def _session_match(ex: Exchange, f: HistoryFilter) -> bool:
    from urllib.parse import urlsplit

    if f.method and ex.method != f.method:
        return False
    if f.path and f.path not in urlsplit(ex.url).path:
        return False
    if f.request_id and not (ex.request_id or "").startswith(f.request_id):
        return False
    if f.status:
        code = ex.status or 0
        if f.status.endswith("xx"):
            return code // 100 == int(f.status[0])
        return code == int(f.status)
    return True


class HistoryScreen(Screen[None]):
    """Every exchange; inspect, send again or export."""

    CSS_PATH = Path(__file__).with_name("screens.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="close-history"),
        Binding("r", "resend", "Send again", id="resend"),
        Binding("c", "export('curl')", "curl", id="export-curl"),
        Binding("h", "export('httpie')", "HTTPie", id="export-httpie"),
        Binding("p", "export('python')", "Python", id="export-python"),
        Binding("a", "export_har", "HAR", id="export-har"),
        Binding("slash", "focus_filter", "Filter", id="focus-history-filter"),
        Binding("d", "diff", "Diff", id="diff-history",
                tooltip="Compare the selected exchange with the answer on screen"),
    ]

    HELP = """\
## History

Every exchange, newest first. Filter with a status (`404`, `4xx`), a method
(`DELETE`), a path (`/apps`) or the start of a Request-Id. **Enter** shows an
exchange in full, **r** sends it again, **c** / **h** / **p** copy it as curl,
HTTPie or Python (the token is never included); **a** writes the exchanges shown
(the filter selects them) as a HAR 1.2 file in the current folder, redacted like
the history itself. **d** compares the selected exchange's answer with the answer on
screen (the Diff tab; secrets stay redacted).
"""

    def __init__(self, context: ExplorerContext) -> None:
        super().__init__(id="history")
        self.host = context
        self.rows: list[HistoryEntry | Exchange] = []

    def compose(self) -> ComposeResult:
        yield Label(" History", classes="screen-title", id="history-title")
        yield Input(placeholder="Filter: 404, 4xx, GET, /apps or a Request-Id prefix",
                    compact=True, id="history-filter")
        yield DataTable(id="history-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=True, show_command_palette=False)

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Time", width=8)
        table.add_column("Mode", width=7)
        table.add_column("Host", width=18)
        table.add_column("Method", width=6)
        table.add_column("Path")
        table.add_column("Status", width=13)
        table.add_column("Size", width=9)
        table.add_column("Request-Id")
        self.refresh_rows("")
        table.focus()

    def on_client_opened(self, event: ClientOpened) -> None:
        # Opened before the client (and with it the history file) was ready: the
        # stored exchanges are there now.
        self.refresh_rows(self.query_one("#history-filter", Input).value)

    def refresh_rows(self, text: str) -> None:
        from urllib.parse import urlsplit

        host = self.host
        f = parse_filter(text)
        history = host.history
        rows: list[HistoryEntry | Exchange]
        if history is not None and history.enabled:
            rows = list(history.search(path=f.path, status=f.status, method=f.method,
                                       request_id=f.request_id, limit=500))
            source = f"{history.count()} stored"
        else:
            rows = [ex for ex in reversed(host.session) if _session_match(ex, f)]
            source = "this session"
        self.rows = rows
        table = self.query_one(DataTable)
        table.clear()
        for row in rows:
            ts = row.ts if hasattr(row, "ts") else row.started_at
            status = row.status if row.status is not None else "—"
            table.add_row(format_clock(ts), mode_of(row.url), literal_text(host_of(row.url)),
                          literal_text(row.method),
                          literal_text(urlsplit(row.url).path), self._status(status, row),
                          f"{row.size} B", literal_text(row.request_id or ""))
        self.query_one("#history-title", Label).update(
            f" History  ·  {len(rows)} shown ({source})")

    def _status(self, status: Any, row: Any) -> Text:
        colours = self.app.theme_variables
        if not isinstance(status, int):
            return Text("no answer", colours.get("error", ""))
        level = ("success" if status < 300 else "accent" if status < 400
                 else "warning" if status < 500 else "error")
        text = "304 unchanged" if row.not_modified else f"{status} {row.reason}".strip()
        return literal_text(text, colours.get(level, ""))

    @on(Input.Changed, "#history-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.refresh_rows(event.value)

    @on(Input.Submitted, "#history-filter")
    def _to_table(self) -> None:
        self.query_one(DataTable).focus()

    def action_focus_filter(self) -> None:
        self.query_one("#history-filter", Input).focus()

    def _selected(self) -> Any | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row < 0 or table.cursor_row >= len(self.rows):
            self.notify("No exchange selected.", severity="warning")
            return None
        return self.rows[table.cursor_row]

    @on(DataTable.RowSelected, "#history-table")
    def _inspect(self) -> None:
        from heroku_explorer.tui.screens.response_detail import ResponseDetailScreen, as_exchange

        row = self._selected()
        if row is not None:
            self.app.push_screen(ResponseDetailScreen(as_exchange(row), self.host.spec))

    def action_resend(self) -> None:
        row = self._selected()
        if row is None:
            return
        refusal = (resend_host_refusal(row.url, self.host.base_url)
                   or resend_refusal(row.method, unquote(row.url), _resent_headers(row),
                                     row.request_body))
        if refusal is not None:
            self.notify(refusal, severity="warning", timeout=8)
            return
        spec = row.spec if getattr(row, "spec", None) is not None else _spec_of(row)
        if spec is None:
            self.notify("This exchange cannot be rebuilt as a request.", severity="error")
            return
        action = self.host.spec.action(row.action_id or "")
        values = (request_values(action, row.url, row.request_body)
                  if action is not None else None)
        self.app.pop_screen()
        self.app.screen.post_message(ResendRequested(spec, row.action_id, values))

    def action_diff(self) -> None:
        _diff(self)

    def action_export(self, fmt: str) -> None:
        from heroku_explorer.client.exports import Format, export
        from heroku_explorer.tui.screens.response_detail import as_exchange

        row = self._selected()
        if row is None:
            return
        kind: Format = "curl" if fmt == "curl" else "httpie" if fmt == "httpie" else "python"
        client = self.host.client
        exchange = as_exchange(row)
        text = client.export(exchange, kind) if client is not None else export(exchange, kind)
        self.app.copy_to_clipboard(text)
        self.notify(f"Copied the request as {fmt}.")

    def action_export_har(self) -> None:
        from heroku_explorer.client.har import har_file_name, har_text, save_har
        from heroku_explorer.safe_text import visible

        if not self.rows:
            self.notify("No exchange to write.", severity="warning")
            return
        history = self.host.history
        client = self.host.client
        secrets = tuple(history.secrets) if history is not None else ()
        secrets += tuple(getattr(client, "_secrets", ()) or ())
        write_only = history.write_only if history is not None else None
        name = har_file_name(time.time())
        try:
            save_har(name, har_text(reversed(self.rows), secrets=secrets,
                                    write_only=write_only) + "\n")
        except OSError as exc:
            self.notify(f"Cannot write {name}: {visible(exc.strerror or str(exc))}.",
                        severity="error")
            return
        count = len(self.rows)
        self.notify(f"Wrote {count} exchange{'s' if count != 1 else ''} to {name} (HAR 1.2).")


def _diff(screen: HistoryScreen) -> None:
    """``d``: the selected exchange's answer against the answer on screen."""
    from urllib.parse import urlsplit

    from heroku_explorer.answer_diff import answer_of, stored_answer
    from heroku_explorer.tui.widgets.response_view import ResponseView

    row = screen._selected()
    if row is None:
        return
    history = screen.host.history
    secrets = tuple(history.secrets) if history is not None else ()
    old = stored_answer(row) if hasattr(row, "ts") else answer_of(row, secrets)
    if old is None:
        screen.notify("That exchange kept no JSON answer to compare.", severity="warning")
        return
    views = [v for s in reversed(screen.app.screen_stack) for v in s.query(ResponseView)
             if v.exchange is not None]
    if not views:
        screen.notify("No answer on screen to compare with yet.", severity="warning")
        return
    when = format_clock(row.ts if hasattr(row, "ts") else row.started_at)
    label = f"{row.method} {urlsplit(row.url).path} ({when})"
    screen.app.pop_screen()
    views[0].compare_with(old, label)


def _resent_headers(row: Any) -> list[tuple[str, str]]:
    """The recorded headers a re-send would carry (the client writes the others)."""
    return [(k, v) for k, v in row.request_headers if k.lower() not in _RESEND_SKIP]


def _spec_of(entry: HistoryEntry) -> RequestSpec | None:
    headers = _resent_headers(entry)
    try:
        spec = raw_request(entry.method, entry.url, entry.request_body or None, headers)
    except RequestInvalid:
        return None
    from dataclasses import replace

    return replace(spec, action_id=entry.action_id)
