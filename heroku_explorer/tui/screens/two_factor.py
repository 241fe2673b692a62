"""Asks for a second-factor code after a ``403 two_factor`` answer."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from heroku_explorer.tui.widgets.text import literal

__all__ = ["TwoFactorScreen"]


class TwoFactorScreen(ModalScreen[str | None]):
    """The code the person types (``None`` when they cancel). It is sent once, in the
    ``Heroku-Two-Factor-Code`` header, and never kept in history or exports."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-two-factor"),
    ]

    def __init__(self, summary: str) -> None:
        super().__init__(classes="modal")
        self.summary = summary

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="two-factor-box"):
            yield Label("Second factor required", classes="modal-title")
            yield Label(literal(self.summary, single_line=True), id="two-factor-summary")
            yield Label("Type the code from your authenticator, then Enter:")
            yield Input(placeholder="code", password=True, id="two-factor-input")
            with Horizontal(classes="modal-buttons"):
                yield Button("Cancel", id="two-factor-cancel")
                yield Button("Send again", variant="primary", id="two-factor-ok")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def _code(self) -> str:
        return self.query_one("#two-factor-input", Input).value.strip()

    @on(Input.Submitted, "#two-factor-input")
    @on(Button.Pressed, "#two-factor-ok")
    def _submit(self) -> None:
        code = self._code()
        if code:
            self.dismiss(code)
        else:
            self.notify("Type the code first, or Escape to cancel.", severity="warning")

    @on(Button.Pressed, "#two-factor-cancel")
    def _cancel_button(self) -> None:
        self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)
