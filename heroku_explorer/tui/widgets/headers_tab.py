"""The Headers tab: extra headers, a Range builder and conditional-request switches."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Input, Label, Select, Switch, TextArea

from heroku_explorer.errors import ValidationError
from heroku_explorer.protocol import RANGE_LIMIT, RangeSpec
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Action
from heroku_explorer.tui.widgets.on_off import OnOff
from heroku_explorer.tui.widgets.text import show_text

__all__ = ["HeadersTab", "parse_header_lines"]


def parse_header_lines(text: str) -> tuple[list[tuple[str, str]], list[ValidationError]]:
    """``Name: value`` lines (blank lines and ``#`` comments skipped)."""
    pairs: list[tuple[str, str]] = []
    errors: list[ValidationError] = []
    for n, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, sep, value = stripped.partition(":")
        if not sep or not name.strip():
            errors.append(ValidationError(f"header line {n}", "expected Name: value"))
            continue
        pairs.append((name.strip(), value.strip()))
    return pairs, errors


class HeadersTab(VerticalScroll):
    """Extra request headers, the Range of a list, If-None-Match and If-Match."""

    HELP = """\
## Headers

Extra headers, one `Name: value` per line. For lists, the **Range** builder
writes `Range: <attribute> ..; max=<n>, order=<asc|desc>`. **If-None-Match**
asks for `304 Not Modified` when the ETag still matches; **If-Match** refuses a
change (`412`) when the resource moved on. With the ETag field left empty, the
newest ETag seen for the same URL is sent (`*` when none was seen). What is set
here belongs to the action it was set for: another action starts from its own.
"""

    @dataclass
    class ValuesChanged(Message):
        """Something in the tab changed."""

        tab: HeadersTab

    #: The fields of :meth:`state`, with their values when nothing is set.
    DEFAULTS: Mapping[str, Any] = {
        "extra": "", "range_attr": None, "range_max": "", "range_order": None,
        "use_if_none_match": False, "if_none_match": "",
        "use_if_match": False, "if_match": "",
    }

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.action: Action | None = None
        self.offered: str | None = None
        """The newest ETag seen for the URL of the request being built."""

    def compose(self) -> ComposeResult:
        yield Label("Extra headers (Name: value, one per line)", classes="section-title")
        yield TextArea("", id="extra-headers", compact=True, soft_wrap=True,
                       placeholder="X-Example: value")
        yield Label("", id="headers-error", classes="field-error -empty")
        yield Label("Range (lists)", classes="section-title")
        with Horizontal(classes="form-line"):
            yield Label("sort by", classes="field-label")
            yield Select[str]([("id", "id")], allow_blank=False, value="id", compact=True,
                              id="range-attr")
        with Horizontal(classes="form-line"):
            yield Label("max", classes="field-label")
            yield Input(placeholder=f"1..{RANGE_LIMIT} (empty: server default)", type="integer",
                        compact=True, id="range-max")
        with Horizontal(classes="form-line"):
            yield Label("order", classes="field-label")
            yield Select[str]([("asc", "asc"), ("desc", "desc")], prompt="default",
                              compact=True, id="range-order")
        yield Label("", id="range-error", classes="field-error -empty")
        yield Label("Conditional requests", classes="section-title")
        with Horizontal(classes="form-line"):
            yield OnOff(id="use-if-none-match")
            yield Label("If-None-Match", classes="switch-label")
            yield Input(placeholder="ETag", compact=True, id="if-none-match")
        with Horizontal(classes="form-line"):
            yield OnOff(id="use-if-match")
            yield Label("If-Match", classes="switch-label")
            yield Input(placeholder="ETag", compact=True, id="if-match")

    def set_action(self, action: Action) -> None:
        """Adapt the Range builder to ``action`` (its sortable attributes)."""
        self.action = action
        fields = action.sort_fields or ("id",)
        select = self.query_one("#range-attr", Select)
        select.set_options([(f, f) for f in fields])
        select.value = "id" if "id" in fields else fields[0]
        self.set_class(not action.is_list, "-not-list")

    def set_offered(self, etag: str | None) -> None:
        """Offer ``etag`` (the newest seen for this request's URL) to both conditional
        headers: it is sent when a switch is on and its field is left empty."""
        self.offered = etag
        hint = (f"ETag (empty: {visible(etag, single_line=True)}, the newest for this URL)"
                if etag else "ETag (empty: *, none seen for this URL)")
        for name in ("#if-none-match", "#if-match"):
            self.query_one(name, Input).placeholder = hint

    def state(self) -> dict[str, Any]:
        """Everything set in the tab, by field (kept per action in a draft)."""
        attr = self.query_one("#range-attr", Select).value
        order = self.query_one("#range-order", Select).value
        return {
            "extra": self.query_one("#extra-headers", TextArea).text,
            "range_attr": attr if isinstance(attr, str) else None,
            "range_max": self.query_one("#range-max", Input).value,
            "range_order": order if isinstance(order, str) else None,
            "use_if_none_match": self.query_one("#use-if-none-match", Switch).value,
            "if_none_match": self.query_one("#if-none-match", Input).value,
            "use_if_match": self.query_one("#use-if-match", Switch).value,
            "if_match": self.query_one("#if-match", Input).value,
        }

    def restore(self, state: Mapping[str, Any]) -> None:
        """Set the tab to ``state`` (from :meth:`state`); missing fields are emptied."""
        full = {**self.DEFAULTS, **state}
        self.query_one("#extra-headers", TextArea).text = str(full["extra"] or "")
        attr = self.query_one("#range-attr", Select)
        fields = self.action.sort_fields if self.action is not None else ()
        if full["range_attr"] in (fields or ("id",)):
            attr.value = full["range_attr"]
        self.query_one("#range-max", Input).value = str(full["range_max"] or "")
        order = self.query_one("#range-order", Select)
        if full["range_order"] in ("asc", "desc"):
            order.value = full["range_order"]
        else:
            order.clear()
        self.query_one("#use-if-none-match", Switch).value = bool(full["use_if_none_match"])
        self.query_one("#if-none-match", Input).value = str(full["if_none_match"] or "")
        self.query_one("#use-if-match", Switch).value = bool(full["use_if_match"])
        self.query_one("#if-match", Input).value = str(full["if_match"] or "")
        self.show_errors(())

    def headers(self) -> tuple[list[tuple[str, str]], list[ValidationError]]:
        return parse_header_lines(self.query_one("#extra-headers", TextArea).text)

    def range_spec(self) -> tuple[RangeSpec | None, list[ValidationError]]:
        """The Range to send, or ``None`` when the builder is left empty."""
        if self.action is None or not self.action.is_list:
            return None, []
        text = self.query_one("#range-max", Input).value.strip()
        order = self.query_one("#range-order", Select).value
        attr = self.query_one("#range-attr", Select).value
        if not text and order is Select.NULL:
            return None, []
        size: int | None = None
        if text:
            if not text.isdigit() or not 1 <= int(text) <= RANGE_LIMIT:
                return None, [ValidationError("range", f"max must be from 1 to {RANGE_LIMIT}")]
            size = int(text)
        return RangeSpec(
            attr=str(attr) if isinstance(attr, str) else "id",
            max=size,
            order="asc" if order == "asc" else "desc" if order == "desc" else None,
        ), []

    def set_range_max(self, value: int | None) -> None:
        self.query_one("#range-max", Input).value = "" if value is None else str(value)

    def if_none_match(self) -> str | None:
        return self._conditional("#use-if-none-match", "#if-none-match")

    def if_match(self) -> str | None:
        return self._conditional("#use-if-match", "#if-match")

    def _conditional(self, switch: str, field: str) -> str | None:
        if not self.query_one(switch, Switch).value:
            return None
        return self.query_one(field, Input).value.strip() or self.offered or "*"

    def show_errors(self, found: Iterable[ValidationError]) -> None:
        errors = list(found)
        header = [str(e) for e in errors if e.field.startswith("header")]
        ranges = [e.message for e in errors if e.field == "range"]
        show_text(self.query_one("#headers-error", Label), "; ".join(header))
        show_text(self.query_one("#range-error", Label), "; ".join(ranges))

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Switch.Changed)
    @on(Select.Changed)
    def _on_change(
        self, event: Input.Changed | TextArea.Changed | Switch.Changed | Select.Changed
    ) -> None:
        event.stop()
        self.post_message(self.ValuesChanged(self))
