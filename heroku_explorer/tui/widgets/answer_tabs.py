"""The response view's debugging parts: the Diff and Schema tabs, and the jq filter
of the Body tab.

They show what the UI-free core says (:mod:`heroku_explorer.answer_diff`,
:mod:`heroku_explorer.conformance`, :mod:`heroku_explorer.jq_filter`); every string
from outside goes through :func:`~heroku_explorer.safe_text.visible` and is shown
as :class:`Content`, never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar
from urllib.parse import urlsplit

from textual import on, work
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from heroku_explorer import answer_diff
from heroku_explorer.safe_text import visible
from heroku_explorer.tui.widgets.text import show_text

if TYPE_CHECKING:
    from textual.app import ComposeResult

    from heroku_explorer.answer_diff import Change
    from heroku_explorer.client.response import Exchange
    from heroku_explorer.conformance import Difference
    from heroku_explorer.schema.model import ApiSpec

__all__ = ["AnswerPane", "BodyFilter", "DiffPane", "FilterBox", "SchemaPane", "tree_marks"]

_STYLES = {"+": "$text-success", "-": "$text-error", "~": "$text-warning"}


class AnswerPane(VerticalScroll):
    """A title and lines under it about the answer on show (the Diff and Schema
    tabs): ``NAME`` names the parts (``#<NAME>-title``, ``#<NAME>-body``)."""

    DEFAULT_CSS = """
    AnswerPane { height: 1fr; background: $surface; padding: 0 1; }
    AnswerPane > .pane-title { text-style: bold; margin-bottom: 1; }
    """
    NAME: ClassVar[str] = ""
    #: The title until there is something to show.
    EMPTY: ClassVar[str] = ""

    def compose(self) -> ComposeResult:
        yield Static(Content(self.EMPTY), id=f"{self.NAME}-title", classes="pane-title")
        yield Static("", id=f"{self.NAME}-body")

    def show_lines(self, title: str, lines: Sequence[Content] = ()) -> None:
        """Show ``title`` (already made visible) over ``lines``."""
        self.query_one(f"#{self.NAME}-title", Static).update(Content(title))
        self.query_one(f"#{self.NAME}-body", Static).update(Content("\n").join(lines))


class DiffPane(AnswerPane):
    """What changed between an earlier answer and this one, by key path."""

    NAME = "diff"
    EMPTY = "No answer to compare yet."

    @dataclass
    class Compared(Message):
        """An earlier answer (``label``) was compared with this one."""

        label: str
        changes: list[Change]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.changes: list[Change] = []
        self.label = ""

    def compare(self, old: Any, label: str, exchange: Exchange | None,
                secrets: Sequence[str] = ()) -> bool:
        """Show what changed from ``old`` (an earlier answer, already redacted) to the
        answer of ``exchange``, redacted alike; False when that is not JSON."""
        new = answer_diff.answer_of(exchange, secrets) if exchange is not None else None
        if new is None:
            self.show_none("This answer is not JSON: nothing to compare.")
            return False
        self.changes, self.label = answer_diff.diff(old, new), label
        title = visible(f"{label} → this answer: {answer_diff.summary(self.changes)}",
                        single_line=True)
        self.show_lines(title, [Content.styled(line, _STYLES.get(line[:1], ""))
                                for line in answer_diff.render(self.changes)])
        self.post_message(self.Compared(label, self.changes))
        return True

    def compare_earlier(self, exchange: Exchange, session: Sequence[Exchange],
                        secrets: Sequence[str] = ()) -> None:
        """Compare with the answer before of the same method and URL, if any."""
        before = answer_diff.earlier(exchange, session)
        target = visible(f"{exchange.method} {urlsplit(exchange.url).path}", single_line=True)
        old = answer_diff.answer_of(before, secrets) if before is not None else None
        if old is None:
            self.show_none(f"No earlier answer of {target} to compare with: send it again, "
                           "or press d on an entry in History (F3).")
            return
        self.compare(old, f"the answer before ({target})", exchange, secrets)

    def show_none(self, text: str) -> None:
        self.changes, self.label = [], ""
        self.show_lines(visible(text, single_line=True))


class SchemaPane(AnswerPane):
    """How the answer departs from its action's schema, one difference a line."""

    NAME = "schema"
    EMPTY = "No answer checked yet."

    @dataclass
    class Checked(Message):
        """An answer was checked (``differences`` ``None``: nothing to check it by)."""

        exchange: Exchange
        differences: list[Difference] | None

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.differences: list[Difference] | None = None

    def check(self, spec: ApiSpec | None, exchange: Exchange) -> list[Difference] | None:
        from heroku_explorer.conformance import check_exchange

        found = check_exchange(spec, exchange) if spec is not None else None
        self.differences = found
        if found is None:
            title = "No schema to check this answer against."
        elif not found:
            title = "The answer conforms to its schema."
        else:
            title = f"{len(found)} difference{'s' if len(found) != 1 else ''} from the schema:"
        self.show_lines(title, [
            Content.assemble((visible(d.path, single_line=True), "$text-warning bold"),
                             "  ", visible(d.what, single_line=True))
            for d in found or ()])
        self.post_message(self.Checked(exchange, found))
        return found


class FilterBox(Input):
    """The jq expression: Enter applies it, Escape closes the filter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close the filter", show=False),
    ]

    def action_close(self) -> None:
        parent = self.parent
        if isinstance(parent, BodyFilter):
            parent.close()


class BodyFilter(Vertical):
    """The Body tab's jq filter: a box, and one sentence under it when the
    expression is bad. The filter runs in a thread (bounded by jq_filter's limits)."""

    DEFAULT_CSS = """
    BodyFilter { height: auto; display: none; }
    BodyFilter.-open { display: block; }
    BodyFilter > #body-filter { background: $boost; }
    BodyFilter > #filter-error { color: $text-error; padding: 0 1; }
    BodyFilter > #filter-error.-empty { display: none; }
    """

    @dataclass
    class Applied(Message):
        """A filter ran: ``text`` is what the body shows, or ``error`` says why not."""

        expression: str
        text: str | None
        error: str | None

    class Closed(Message):
        """The filter was closed: the body shows the whole answer again."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.data: Any = None
        self.is_json = False

    def compose(self) -> ComposeResult:
        yield FilterBox(placeholder="jq filter, e.g. .[] | .name  (Enter applies, Esc closes)",
                        compact=True, id="body-filter")
        yield Static("", id="filter-error", classes="-empty")

    def open(self, data: Any, is_json: bool) -> None:
        self.data, self.is_json = data, is_json
        self.add_class("-open")
        self.query_one(FilterBox).focus()

    def close(self) -> None:
        self.remove_class("-open")
        show_text(self.query_one("#filter-error", Static), "")
        self.post_message(self.Closed())

    @on(Input.Submitted, "#body-filter")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if not self.is_json:
            self._done(event.value, None, "The body is not JSON, so jq cannot filter it.")
            return
        self._run(event.value, self.data)

    @work(thread=True, exclusive=True, group="jq-filter")
    def _run(self, expression: str, data: Any) -> None:
        from heroku_explorer.jq_filter import JqError, pretty, run

        try:
            text = pretty(run(expression, data))
        except JqError as exc:
            self.app.call_from_thread(self._done, expression, None, str(exc))
            return
        self.app.call_from_thread(self._done, expression, text, None)

    def _done(self, expression: str, text: str | None, error: str | None) -> None:
        show_text(self.query_one("#filter-error", Static), error or "")
        self.post_message(self.Applied(expression, text, error))


def tree_marks(differences: list[Difference] | None) -> dict[tuple[Any, ...], str]:
    """For the Tree view: what differs at each node path; ``""`` on the nodes above
    one (so a missing property marks its object)."""
    marks: dict[tuple[Any, ...], str] = {}
    for diff in differences or ():
        at = diff.at
        for depth in range(len(at)):
            marks.setdefault(at[:depth], "")
        marks[at] = "; ".join(x for x in (marks.get(at), diff.what) if x)
    return marks
