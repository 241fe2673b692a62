"""The response view: status, timing, size, the headers that matter, body and tree.

The status line says what happened in plain words (``304 Not Modified ·
unchanged``); the key headers (ETag, RateLimit-Remaining, Request-Id,
Content-Range / Next-Range, warnings) sit above the tabs; the Headers tab holds
the full table with those rows first, and what was sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Input, Static, TabbedContent, TabPane, Tree

from heroku_explorer.policy import describe_error, large_body_note
from heroku_explorer.protocol import KEY_HEADERS, HeaderName
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Attribute
from heroku_explorer.tui.widgets.answer_actions import AnswerActionsMixin
from heroku_explorer.tui.widgets.answer_tabs import BodyFilter, DiffPane, SchemaPane, tree_marks
from heroku_explorer.tui.widgets.docs_panel import attribute_detail
from heroku_explorer.tui.widgets.json_text import pretty
from heroku_explorer.tui.widgets.json_tree import JsonNode, JsonTree
from heroku_explorer.tui.widgets.json_view import JsonBodyView
from heroku_explorer.tui.widgets.text import format_size, literal, literal_text, show_text

if TYPE_CHECKING:  # the client package imports httpx: keep it off the start-up path
    from heroku_explorer.client.response import Exchange

__all__ = ["ResponseView", "format_elapsed"]


#: The key headers in the order they are packed into lines; warnings go last.
_KEY_GROUPS: tuple[tuple[str, ...], ...] = (
    (HeaderName.RATELIMIT_REMAINING, HeaderName.REQUEST_ID, HeaderName.ETAG,
     HeaderName.CONTENT_RANGE, HeaderName.NEXT_RANGE),
    (HeaderName.WARNING, HeaderName.X_HEROKU_WARNING, HeaderName.RETRY_AFTER),
)
_WARNING_HEADERS = (HeaderName.WARNING, HeaderName.X_HEROKU_WARNING)


def format_elapsed(ms: float) -> str:
    return f"{ms:.0f} ms" if ms < 1000 else f"{ms / 1000:.2f} s"


def large_body_tail(exchange: Exchange) -> str:
    """The line under the first part of a body too large to show in full."""
    size = (large_body_note(exchange) if exchange.truncated
            else f"{format_size(exchange.size)} in all")
    return f"… ({size}: o opens it)"


def _status_class(exchange: Exchange) -> str:
    if exchange.status is None:
        return "-error"
    if exchange.not_modified or 300 <= exchange.status < 400:
        return "-redirect"
    if exchange.status < 300:
        return "-ok"
    return "-client-error" if exchange.status < 500 else "-server-error"


class ResponseView(AnswerActionsMixin, Vertical):
    """The answer to the last request, with its headers, body and body tree."""

    ALLOW_MAXIMIZE = True

    COMPONENT_CLASSES: ClassVar[set[str]] = {"response-view--key-header"}
    """The rows of the key headers in the full header table."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "search", "Search", id="search-body", tooltip="Search in the body"),
        Binding("y", "copy('body')", "Copy body", id="copy-body"),
        Binding("c", "copy('curl')", "Copy curl", id="copy-curl"),
        Binding("i", "copy('request-id')", "Copy Request-Id", id="copy-request-id"),
        Binding("o", "pager", "Pager", id="open-pager", tooltip="Open the body in $PAGER"),
        Binding("s", "save_body", "Save", id="save-body", tooltip="Save the body to a file"),
        Binding("H", "copy('httpie')", "HTTPie", id="copy-httpie",
                tooltip="Copy the request as HTTPie"),
        Binding("p", "copy('python')", "Python", id="copy-python",
                tooltip="Copy the request as Python"),
        Binding("b", "show_tab('tab-body')", "Body", id="show-body"),
        Binding("t", "show_tab('tab-tree')", "Tree", id="show-tree"),
        Binding("h", "show_tab('tab-headers')", "Headers", id="show-headers"),
        Binding("f", "filter", "jq filter", id="filter-body",
                tooltip="Filter the body with a jq expression (Esc closes)"),
        Binding("D", "show_tab('tab-diff')", "Diff", id="show-diff"),
        Binding("S", "show_tab('tab-schema')", "Schema", id="show-schema"),
    ]

    HELP = """\
## Response

Status, time and size of the last answer, then the headers that matter: ETag,
RateLimit-Remaining, Request-Id, Content-Range / Next-Range and warnings.
**Body** shows the JSON (press **/** to search, **n** / **N** to move between
matches), **Tree** the same as a tree (Enter or **d** on an object offers the
actions that take it), **Headers** the full table and what was sent; **b**,
**t** and **h** switch between them.
**y** copies the body, **c** the request as curl, **H** as HTTPie, **p** as
Python, **i** the Request-Id; **s** saves the body to a file (as received, mode
0600); **o** opens the body in `$PAGER`. **ctrl+n** follows Next-Range,
**ctrl+r** revalidates with If-None-Match.
**f** filters the body with jq (`.[] | .name`; Enter applies, Esc closes).
**Diff** (**D**) compares the answer with the one before of the same URL (or the
History entry chosen there with **d**) by key path; **Schema** (**s**) lists where
the answer departs from its action's schema, and the Tree marks those keys with ⚠.
"""

    @dataclass
    class ObjectSelected(Message):
        """An object of the body was chosen, to drill into."""

        exchange: Exchange
        path: tuple[str | int, ...]
        value: dict[str, object]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.exchange: Exchange | None = None
        self.attributes: tuple[Attribute, ...] = ()
        self._tree_stale = False

    def compose(self) -> ComposeResult:
        yield Static(Content("No response yet: choose an action, fill the form, press ctrl+j."),
                     id="response-status")
        yield Static("", id="key-headers", classes="-empty")
        with TabbedContent(id="response-tabs"):
            with TabPane("Body", id="tab-body"):
                yield Input(placeholder="Search the body (Enter: next match)", compact=True,
                            id="body-search")
                yield BodyFilter(id="body-filter-bar")
                yield JsonBodyView(id="body-view")
            with TabPane("Tree", id="tab-tree"):
                yield JsonTree(id="body-tree")
                yield Static("", id="tree-doc", classes="-empty")
            with TabPane("Headers", id="tab-headers"):
                yield DataTable(id="header-table", cursor_type="row", zebra_stripes=True)
                yield Static("", id="sent-request")
            with TabPane("Diff", id="tab-diff"):
                yield DiffPane(id="diff-pane")
            with TabPane("Schema", id="tab-schema"):
                yield SchemaPane(id="schema-pane")

    def on_mount(self) -> None:
        table = self.query_one("#header-table", DataTable)
        table.add_columns("Header", "Value")
        self.query_one("#body-search", Input).display = False

    # -- states -----------------------------------------------------------------

    def _status(self, content: Content, state: str) -> None:
        status = self.query_one("#response-status", Static)
        status.update(content)
        for name in ("-ok", "-redirect", "-client-error", "-server-error", "-error", "-pending"):
            status.set_class(name == state, name)

    def show_pending(self, method: str, target: str) -> None:
        self._status(Content.assemble(("Sending ", "bold"),
                                      visible(f"{method} {target}", single_line=True),
                                      ("  Esc cancels", "dim")), "-pending")

    def show_message(self, text: str, *, error: bool = True) -> None:
        """A message instead of an answer (refused, cancelled, not sent)."""
        self._status(literal(text), "-error" if error else "-pending")
        show_text(self.query_one("#key-headers", Static), "")

    def show_exchange(self, exchange: Exchange, attributes: tuple[Attribute, ...] = ()) -> None:
        """Show ``exchange``; ``attributes`` document one object of its resource."""
        self.exchange = exchange
        self.attributes = attributes
        state = _status_class(exchange)
        if exchange.status is None:
            line = literal(describe_error(exchange.error) if exchange.error else "No answer")
        else:
            head = visible(f" {exchange.status} {exchange.reason} ".replace("  ", " "),
                           single_line=True)
            parts: list[str | tuple[str, str]] = [(head, "bold reverse")]
            if exchange.not_modified:
                parts.append(("  unchanged since the last read", "bold"))
            parts.append(f"  {format_elapsed(exchange.elapsed_ms)}")
            parts.append(f" · {format_size(exchange.size)}")
            parts.append((visible(f"  {exchange.method} {exchange.url}", single_line=True),
                          "dim"))
            line = Content.assemble(*parts)
            if exchange.error is not None:
                line = line + Content("\n" + describe_error(exchange.error))
        differences = self.query_one(SchemaPane).check(getattr(self.app, "spec", None), exchange)
        self.query_one(JsonTree).marks = tree_marks(differences)
        if differences:
            from heroku_explorer.conformance import note

            line += Content.styled(f"\n⚠ {note(differences)}  (s: Schema)", "$text-warning")
        self._status(line, state)
        show_text(self.query_one("#key-headers", Static), self._key_headers(exchange))
        self._fill_headers(exchange)
        self._fill_body(exchange)
        self.query_one(DiffPane).compare_earlier(
            exchange, getattr(self.app, "session", None) or [], self._secrets())

    def _secrets(self) -> tuple[str, ...]:
        return tuple(getattr(getattr(self.app, "history", None), "secrets", ()) or ())

    def compare_with(self, old: Any, label: str) -> bool:
        """The Diff tab, shown: ``old`` (an earlier answer, redacted) against this one."""
        shown = self.query_one(DiffPane).compare(old, label, self.exchange, self._secrets())
        self.query_one(TabbedContent).active = "tab-diff"
        return shown

    def action_filter(self) -> None:
        self.query_one(TabbedContent).active = "tab-body"
        ex = self.exchange
        self.query_one(BodyFilter).open(ex.data if ex is not None else None,
                                        ex is not None and ex.body_state == "json")

    @on(BodyFilter.Applied)
    def _filtered(self, event: BodyFilter.Applied) -> None:
        if event.text is not None:
            self.query_one(JsonBodyView).load(event.text)

    @on(BodyFilter.Closed)
    def _unfiltered(self) -> None:
        if self.exchange is not None:
            self._fill_body(self.exchange)
        self.query_one(JsonBodyView).focus()

    def _key_headers(self, exchange: Exchange) -> Content:
        """The key headers, packed into as few lines as the width allows."""
        width = max(20, self.size.width - 2)
        key, warn = _KEY_GROUPS
        lines: list[Content] = []
        line: Content | None = None
        for name in key:
            value = exchange.header(name)
            if value is None:
                continue
            item = Content.assemble((name, "$text-accent bold"), " ",
                                    visible(value, single_line=True))
            if line is not None and line.cell_length + 3 + item.cell_length <= width:
                line = line + Content("   ") + item
            else:
                if line is not None:
                    lines.append(line)
                line = item
        if line is not None:
            lines.append(line)
        # One item per warning (Warning-Id/Warning-Message, X-Heroku-Warning and
        # Warning read together by the client), then Retry-After.
        warnings = [Content.assemble(("Warning", "$text-warning bold"), " ",
                                     visible(text, single_line=True))
                    for text in exchange.warnings]
        warnings += [Content.assemble((name, "$text-warning bold"), " ",
                                      visible(value, single_line=True))
                     for name in warn if name not in _WARNING_HEADERS
                     and (value := exchange.header(name)) is not None]
        if warnings:
            lines.append(Content(" · ").join(warnings))
        return Content("\n").join(lines)

    def on_resize(self) -> None:
        if self.exchange is not None and self.exchange.status is not None:
            show_text(self.query_one("#key-headers", Static), self._key_headers(self.exchange))

    def _fill_headers(self, exchange: Exchange) -> None:
        table = self.query_one("#header-table", DataTable)
        table.clear()
        key = {h.lower() for h in KEY_HEADERS}
        rows = sorted(exchange.headers, key=lambda kv: kv[0].lower() not in key)
        strong = self.get_component_rich_style("response-view--key-header", partial=True)
        for name, value in rows:
            style = strong if name.lower() in key else ""
            table.add_row(literal_text(name, style), literal_text(value, style))
        sent = [visible(f"{exchange.method} {exchange.url}", single_line=True)]
        sent += [visible(f"{k}: {v}", single_line=True) for k, v in exchange.request_headers]
        if exchange.request_body:
            sent += ["", visible(exchange.request_body.decode("utf-8", errors="replace"))]
        self.query_one("#sent-request", Static).update(
            Content.assemble(("Sent\n", "bold"), "\n".join(sent)))

    def _fill_body(self, exchange: Exchange) -> None:
        view = self.query_one(JsonBodyView)
        state = exchange.body_state
        if state == "json":
            view.load(visible(pretty(exchange.data)))
        elif state in ("text", "non-json"):
            view.load(visible(exchange.text()), highlighted=False)
        elif state == "too-large":
            view.load(visible(exchange.text()) + "\n" + large_body_tail(exchange),
                      highlighted=False)
        elif state == "invalid-utf8":
            view.load(f"(binary body, {format_size(exchange.size)})", highlighted=False)
        else:
            view.load("(no body)", highlighted=False)
        self._tree_stale = True
        tabs = self.query_one(TabbedContent)
        if tabs.active == "tab-tree":
            self._load_tree()

    def _load_tree(self) -> None:
        if not self._tree_stale or self.exchange is None:
            return
        self._tree_stale = False
        tree = self.query_one(JsonTree)
        ex = self.exchange
        tree.load(ex.data if ex.body_state == "json" else ex.text(), self.attributes)

    @on(TabbedContent.TabActivated)
    def _tab(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id == "tab-tree":
            self._load_tree()

    @on(Tree.NodeHighlighted, "#body-tree")
    def _doc(self, event: Tree.NodeHighlighted[JsonNode]) -> None:
        event.stop()
        data = event.node.data
        attr = self.query_one(JsonTree).doc_for(data) if data is not None else None
        text = "" if attr is None else f"{'.'.join(attr.path)} · {attribute_detail(attr)}"
        mark = self.query_one(JsonTree).marks.get(data.path) if data is not None else None
        if mark is not None:  # beside the key's docs: how it departs from the schema
            text = f"{text}  ⚠ {mark or 'differs from the schema below'}".strip()
        show_text(self.query_one("#tree-doc", Static), visible(text, single_line=True))

    @on(JsonTree.ObjectSelected)
    def _object(self, event: JsonTree.ObjectSelected) -> None:
        event.stop()
        if self.exchange is not None:
            self.post_message(self.ObjectSelected(self.exchange, event.path, event.value))

    def action_show_tab(self, tab: str) -> None:
        """Show one of the tabs and focus what it holds."""
        self.query_one(TabbedContent).active = tab
        target = {"tab-body": "#body-view", "tab-tree": "#body-tree",
                  "tab-headers": "#header-table"}.get(tab)
        if target:
            self.query_one(target).focus()

    # -- search -----------------------------------------------------------------

    def action_search(self) -> None:
        self.query_one(TabbedContent).active = "tab-body"
        field = self.query_one("#body-search", Input)
        field.display = True
        field.focus()

    @on(Input.Changed, "#body-search")
    def _search(self, event: Input.Changed) -> None:
        event.stop()
        found = self.query_one(JsonBodyView).search(event.value)
        event.input.border_subtitle = f"{found} matches" if event.value else ""

    @on(Input.Submitted, "#body-search")
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one(JsonBodyView).action_next_match()
