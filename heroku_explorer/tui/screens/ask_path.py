"""Asks where to save a file (the response body): a path, prefilled with a proposal."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Input, Label

from heroku_explorer.tui.screens.modal import TitledModal
from heroku_explorer.tui.widgets.text import literal

__all__ = ["AskPathScreen"]


class AskPathScreen(TitledModal[str | None]):
    """The path the person typed (``None`` when they cancel)."""

    BOX_ID = "ask-path-box"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-save"),
    ]

    def __init__(self, title: str, proposal: str, note: str = "") -> None:
        super().__init__(title)
        self.proposal = proposal
        self.note = note

    def compose_box(self) -> ComposeResult:
        if self.note:
            yield Label(literal(self.note), id="ask-path-note")
        yield Input(self.proposal, placeholder="a file path", id="ask-path-input")
        yield Label("Enter saves · Esc cancels", classes="modal-hint")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted, "#ask-path-input")
    def _submit(self) -> None:
        text = self.query_one("#ask-path-input", Input).value.strip()
        if text:
            self.dismiss(text)
        else:
            self.notify("Type a path first, or Escape to cancel.", severity="warning")

    def action_cancel(self) -> None:
        self.dismiss(None)
