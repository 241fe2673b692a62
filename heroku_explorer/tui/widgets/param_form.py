"""The parameter form, generated from an action.

Path parameters come first, then the required query and body parameters, then the
optional ones; a free-form map body (config vars) is one JSON field. The form only
collects and shows: :func:`heroku_explorer.request.build_request`, called by the
screen, decides what is valid, and its errors come back through :meth:`show_errors`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.css.query import NoMatches
from textual.events import DescendantBlur, DescendantFocus
from textual.message import Message
from textual.widgets import Input, Label, Select, Switch, TextArea

from heroku_explorer.examples import example_inputs
from heroku_explorer.request import OMITTED, ValidationError
from heroku_explorer.schema.model import Action, Param
from heroku_explorer.tui.widgets.param_fields import MAP_FIELD, FieldRow
from heroku_explorer.tui.widgets.text import show_text

__all__ = ["ParamForm", "field_of", "ordered_params"]


def ordered_params(action: Action) -> list[Param]:
    """Path parameters, then required, then optional query and body parameters."""
    rest = action.query_params + action.body_params
    return [*action.path_params, *(p for p in rest if p.required),
            *(p for p in rest if not p.required)]


def field_of(error: ValidationError) -> str:
    """The top-level field an error belongs to: ``source_blob.url`` -> ``source_blob``."""
    name = error.field
    cut = min((i for i in (name.find("."), name.find("[")) if i > 0), default=len(name))
    return name[:cut]


class ParamForm(Vertical):
    """Inputs for every parameter of one action, with errors beside the fields."""

    ALLOW_MAXIMIZE = True

    HELP = """\
## Parameter form

One field per parameter: path parameters first, then the required ones (marked
`*`), then the optional ones. **ctrl+e** fills every field from the schema's
examples; **Enter** in a field or **ctrl+j** sends.
Errors appear under a field before anything is sent. Booleans read `[x] on` or
`[ ] off` (space or Enter toggles) and are sent once switched; JSON fields take
objects and arrays. **f4** edits the whole body as JSON in `$EDITOR`; what is
typed stays with the action when you look at another one and come back.
"""

    @dataclass
    class ValuesChanged(Message):
        """A field changed; the screen refreshes the preview."""

        form: ParamForm

    @dataclass
    class Submitted(Message):
        """Enter was pressed in a field: the person wants to send."""

        form: ParamForm

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.action: Action | None = None
        self.rows: dict[str, FieldRow] = {}
        self._loading = False

    def compose(self) -> ComposeResult:
        yield VerticalScroll(id="form-fields")
        yield Label("", id="form-hint")

    async def load(
        self,
        action: Action,
        values: Mapping[str, Any] | None = None,
        suggestions: Mapping[str, list[str]] | None = None,
        draft: Mapping[str, Any] | None = None,
    ) -> None:
        """Build the fields of ``action``: what ``draft`` kept of them (see
        :meth:`state`), then ``values`` over it."""
        self.action = action
        self._loading = True
        scroll = self.query_one("#form-fields", VerticalScroll)
        await scroll.remove_children()
        rows: list[FieldRow] = []
        for n, param in enumerate(ordered_params(action)):
            rows.append(FieldRow(param, id=f"field-{n}",
                                 suggestions=(suggestions or {}).get(param.name)))
        if action.body is not None and action.body.map_values is not None:
            rows.append(FieldRow(None, map_spec=action.body.map_values, id="field-map"))
        self.rows = {row.param_name: row for row in rows}
        if rows:
            await scroll.mount_all(rows)
        else:
            await scroll.mount(Label("This action takes no parameters: press ctrl+j to send.",
                                     classes="form-empty"))
        width = max((len(r.param_name) + 3 for r in rows), default=12)
        for row in rows:
            row.set_label_width(min(max(width, 14), 32))
        self.restore(draft or {})
        self.set_values(values or {})
        self._loading = False
        show_text(self.query_one("#form-hint", Label), rows[0].hint if rows else "")

    def set_values(self, values: Mapping[str, Any]) -> None:
        """Fill fields by parameter name; keys a map body takes go into its JSON field."""
        extra: dict[str, Any] = {}
        for name, value in values.items():
            row = self.rows.get(name)
            if row is not None:
                row.set_value(value)
            elif MAP_FIELD in self.rows:
                extra[name] = value
        if extra:
            self.rows[MAP_FIELD].set_value(extra)

    def state(self) -> dict[str, Any]:
        """What each field holds as typed, by name (kept in the action's draft)."""
        return {name: row.state() for name, row in self.rows.items()
                if row.state() not in (None, "")}

    def restore(self, state: Mapping[str, Any]) -> None:
        """Put back what :meth:`state` returned (while loading: no change events)."""
        loading, self._loading = self._loading, True
        try:
            for name, value in state.items():
                row = self.rows.get(name)
                if row is not None:
                    row.restore(value)
        finally:
            self._loading = loading

    def collect(self) -> tuple[dict[str, Any], list[ValidationError]]:
        """The typed values by name, and the errors found turning text into values."""
        values: dict[str, Any] = {}
        errors: list[ValidationError] = []
        for name, row in self.rows.items():
            try:
                value = row.value()
            except ValidationError as exc:
                errors.append(exc)
                continue
            if value is OMITTED:
                continue
            if name == MAP_FIELD:
                values.update(value)
            else:
                values[name] = value
        return values, errors

    def show_errors(self, errors: Iterable[ValidationError], *, everywhere: bool = False) -> int:
        """Show each error under its field (only on touched fields unless ``everywhere``).

        Returns how many errors found a field.
        """
        by_field: dict[str, list[str]] = {}
        for err in errors:
            name = field_of(err)
            if name not in self.rows and MAP_FIELD in self.rows:
                name = MAP_FIELD
            by_field.setdefault(name, []).append(
                err.message if err.field == name else f"{err.field}: {err.message}")
        shown = 0
        for name, row in self.rows.items():
            messages = by_field.get(name)
            if messages and (everywhere or row.touched):
                row.show_error("; ".join(messages))
                shown += 1
            else:
                row.show_error(None)
        return shown

    def first_invalid(self) -> FieldRow | None:
        return next((r for r in self.rows.values() if r.has_class("-invalid")), None)

    def action_fill_examples(self) -> None:
        """Fill the fields from the schema's examples: the same values as the Example
        tab and the REPL's ``example`` (:func:`heroku_explorer.examples.example_inputs`,
        which keeps only the required ones when the examples do not make a valid
        request)."""
        if self.action is None:
            return
        values, _request, _problem = example_inputs(self.action)
        names = {p.name for p in self.action.params}
        for row in self.rows.values():
            if row.param is not None:
                row.set_value(values.get(row.param.name, OMITTED))
            elif self.action.body is not None:
                entries = {k: v for k, v in values.items() if k not in names}
                row.set_value(entries or OMITTED)
        self.post_message(self.ValuesChanged(self))

    def clear_fields(self) -> None:
        """Empty every field."""
        for row in self.rows.values():
            row.clear()
            row.show_error(None)
        self.post_message(self.ValuesChanged(self))

    # -- events -----------------------------------------------------------------

    def _row_of(self, widget: Any) -> FieldRow | None:
        if isinstance(widget, FieldRow):
            return widget
        try:
            return widget.query_ancestor(FieldRow)  # type: ignore[no-any-return]
        except NoMatches:
            return None

    def _changed(self, widget: Any) -> None:
        if self._loading:
            return
        row = self._row_of(widget)
        if row is not None:
            row.touched = True
        self.post_message(self.ValuesChanged(self))

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(Switch.Changed)
    @on(Select.Changed)
    def _on_change(self, event: Input.Changed | TextArea.Changed | Switch.Changed
                   | Select.Changed) -> None:
        event.stop()
        self._changed(event.control)

    @on(Input.Submitted)
    def _on_submit(self, event: Input.Submitted) -> None:
        event.stop()
        self.post_message(self.Submitted(self))

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        row = self._row_of(event.widget)
        if row is not None:
            show_text(self.query_one("#form-hint", Label), row.hint)

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        row = self._row_of(event.widget)
        if row is not None and row.raw_text():
            row.touched = True
            self.post_message(self.ValuesChanged(self))
