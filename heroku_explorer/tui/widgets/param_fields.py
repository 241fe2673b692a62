"""One row of the parameter form: a label, a widget fit for the type, an error line.

=======================  ===============================================
docs say                 widget
=======================  ===============================================
boolean                  ``Switch`` (sent once touched, or when required)
enum                     ``Select``
object, array, free map  ``TextArea`` holding JSON
integer, number          ``Input`` restricted to numbers
anything else            ``Input`` (uuid, date-time, email... are checked
                         by :func:`heroku_explorer.request.build_request`)
=======================  ===============================================
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.markup import escape
from textual.suggester import SuggestFromList
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Switch, TextArea

from heroku_explorer.examples import attribute_example
from heroku_explorer.request import OMITTED, ValidationError, coerce_text
from heroku_explorer.safe_text import visible
from heroku_explorer.schema.model import Attribute, MapSpec, Param
from heroku_explorer.tui.widgets.json_text import pretty, short_json
from heroku_explorer.tui.widgets.on_off import OnOff
from heroku_explorer.tui.widgets.text import literal_text, show_text

__all__ = ["MAP_FIELD", "FieldRow"]

#: Name of the one field of a free-form map body (config vars).
MAP_FIELD = "(body)"


def _kind(doc: Attribute) -> str:
    if doc.types == ("boolean",):
        return "switch"
    if doc.enum is not None and all(isinstance(v, str | int | float | bool) for v in doc.enum):
        return "select"
    if doc.alternatives:
        return "input"
    if doc.is_map or doc.is_array or (doc.is_object and not doc.children):
        return "json"
    if doc.is_object:
        return "input"  # one scalar naming a nested field, or a JSON object
    return "input"


class FieldRow(Vertical):
    """A labelled input for one parameter (or for a whole free-form map body)."""

    def __init__(
        self,
        param: Param | None,
        *,
        map_spec: MapSpec | None = None,
        suggestions: list[str] | None = None,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id, classes="field-row")
        self.param = param
        self.map_spec = map_spec
        self.param_name = param.name if param is not None else MAP_FIELD
        self.doc: Attribute | None = param.doc if param is not None else None
        self.kind = _kind(self.doc) if self.doc is not None else "json"
        self.required = bool(param is not None and param.required)
        self.touched = False
        self._suggestions = suggestions or []

    # -- compose --------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field-line"):
            yield Label(self._label(), classes="field-label")
            yield self._make_widget()
        yield Label("", classes="field-error -empty")

    def _label(self) -> Text:
        text = Text(visible(self.param_name, single_line=True), style="bold")
        if self.required:
            text.append("*", style="bold")
        return text

    def _make_widget(self) -> Widget:
        doc = self.doc
        placeholder = self._placeholder()
        if self.kind == "switch":
            return OnOff(value=bool(doc and doc.default), classes="field-input")
        if self.kind == "select" and doc is not None and doc.enum is not None:
            options = [(literal_text(short_json(v, 40) if not isinstance(v, str) else v), v)
                       for v in doc.enum]
            return Select(options, allow_blank=True, prompt=escape(placeholder or "choose"),
                          compact=True, classes="field-input")
        if self.kind == "json":
            area = TextArea("", soft_wrap=True, tab_behavior="indent", compact=True,
                            show_line_numbers=False, classes="field-input field-json",
                            placeholder=placeholder)
            return area
        input_type: Any = "text"
        if doc is not None and doc.types in (("integer",), ("number",)):
            input_type = doc.types[0]
        suggester = (SuggestFromList(self._suggestions, case_sensitive=False)
                     if self._suggestions else None)
        return Input(placeholder=placeholder, type=input_type, compact=True,
                     suggester=suggester, classes="field-input")

    def _placeholder(self) -> str:
        if self.param is None:
            return '{"KEY": "value", "OLD_KEY": null}' if self.map_spec else "{}"
        doc = self.param.doc
        label = doc.type_label
        example = attribute_example(doc)
        if example is not OMITTED:
            label = f"{label}, e.g. {short_json(example, 40)}"
        return visible(label, single_line=True)

    # -- values ---------------------------------------------------------------

    @property
    def widget(self) -> Widget:
        return self.query_one(".field-input")

    def raw_text(self) -> str:
        """What the field holds, as text (for previews and tests)."""
        w = self.widget
        text = typed_text(w)
        if text is not None:
            return text
        if isinstance(w, Switch):
            return "true" if w.value else "false"
        if isinstance(w, Select):
            return "" if w.is_blank() else json.dumps(w.value)
        return ""

    def value(self) -> Any:
        """The typed value, ``OMITTED`` when empty. Raises :class:`ValidationError`."""
        w = self.widget
        if isinstance(w, Switch):
            return w.value if (self.touched or self.required) else OMITTED
        if isinstance(w, Select):
            return OMITTED if w.is_blank() else w.value
        text = typed_text(w) or ""
        if self.param is None:
            if not text.strip():
                return OMITTED
            try:
                data = json.loads(text)
            except ValueError as exc:
                message = f"expected a JSON object ({exc.args[0]})"
                raise ValidationError(MAP_FIELD, message) from None
            if not isinstance(data, dict):
                raise ValidationError(MAP_FIELD, 'expected a JSON object such as {"KEY": "value"}')
            return data
        return coerce_text(self.param, text)

    def set_value(self, value: Any) -> None:
        """Put ``value`` in the field (from an example, a drill-down or a re-send)."""
        if value is OMITTED:
            return
        self._put(value, lambda area: pretty(value) if area else _input_text(value))

    def state(self) -> Any:
        """What the field holds as the person left it (kept in the action's draft):
        the text of a text field, a switch's bool, a choice's value or ``None``."""
        w = self.widget
        text = typed_text(w)
        if text is not None:
            return text
        if isinstance(w, Switch):
            return w.value if self.touched else None
        if isinstance(w, Select):
            return None if w.is_blank() else w.value
        return None

    def restore(self, state: Any) -> None:
        """Put back what :meth:`state` returned; ``None`` or ``""`` leaves it empty."""
        if state is None or state == "":
            return
        self._put(state, lambda area: str(state))

    def _put(self, value: Any, as_text: Callable[[bool], str]) -> None:
        """Put ``value`` in the widget: a switch takes its truth, a choice takes it when
        the enum has it, and a text field ``as_text(True)`` (a text area) or
        ``as_text(False)`` (an input)."""
        w = self.widget
        self.touched = True
        if isinstance(w, Switch):
            w.value = bool(value)
        elif isinstance(w, Select):
            if self.doc is not None and self.doc.enum is not None and value in self.doc.enum:
                w.value = value
        elif isinstance(w, TextArea):
            w.text = as_text(True)
        elif isinstance(w, Input):
            w.value = as_text(False)

    def clear(self) -> None:
        w = self.widget
        if isinstance(w, Input):
            w.value = ""
        elif isinstance(w, TextArea):
            w.text = ""
        elif isinstance(w, Select):
            w.clear()
        self.touched = False

    def set_label_width(self, width: int) -> None:
        """Align this row's input with the others in the form."""
        self.query_one(".field-label", Label).styles.width = width
        self.query_one(".field-error", Label).styles.padding = (0, 0, 0, width)

    def show_error(self, message: str | None) -> None:
        """Show ``message`` under the field, or clear it."""
        show_text(self.query_one(".field-error", Label), message or "")
        self.set_class(bool(message), "-invalid")

    def set_suggestions(self, values: list[str]) -> None:
        w = self.widget
        if isinstance(w, Input) and values:
            w.suggester = SuggestFromList(values, case_sensitive=False)

    @property
    def hint(self) -> str:
        """Description and example of the parameter, for the form's hint line."""
        if self.param is None:
            if self.map_spec is not None:
                tail = "; null removes a key" if self.map_spec.null_deletes else ""
                return f"A JSON object of keys to {self.map_spec.value.type_label}{tail}."
            return "The request body as JSON."
        return visible(self._hint(self.param), single_line=True)

    def _hint(self, param: Param) -> str:
        doc = param.doc
        need = "required" if self.required else "optional"
        bits = [f"{self.param_name} ({param.location}, {need}): {doc.type_label}"]
        if doc.description:
            bits.append(doc.description)
        example = attribute_example(doc)
        if example is not OMITTED:
            bits.append("e.g. " + short_json(example))
        if self.kind == "switch" and not self.required:
            bits.append("sent once switched")
        return " · ".join(bits)


def typed_text(widget: Widget) -> str | None:
    """What a text field (an input or a text area) holds; ``None`` for a switch or a
    choice."""
    if isinstance(widget, Input):
        return widget.value
    if isinstance(widget, TextArea):
        return widget.text
    return None


def _input_text(value: Any) -> str:
    """``value`` as a one-line input shows it: JSON for objects, lists and null."""
    if isinstance(value, dict | list) or value is None:
        return json.dumps(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
