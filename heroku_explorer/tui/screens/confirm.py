"""Confirmation before a destructive call on the live API: type the target's name.

What is destructive, and which name to type, is :func:`heroku_explorer.policy.needs_confirmation`'s
to say; this screen only shows it: the method and the URL exactly as they go on
the wire, what the request destroys, and the name to type.
"""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from heroku_explorer.safe_text import visible
from heroku_explorer.tui.widgets.text import literal

__all__ = ["ConfirmScreen"]


class ConfirmScreen(ModalScreen[bool]):
    """Asks the person to type ``target`` before ``method url`` is sent."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-confirm"),
    ]

    def __init__(self, method: str, url: str, what: str, target: str) -> None:
        super().__init__(classes="modal")
        self.method = method
        self.url = url
        """The URL as it is sent (``HerokuClient.prepare(spec).url``)."""
        self.what = what
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="confirm-box"):
            yield Label("Confirm on the LIVE API", classes="modal-title -danger")
            yield Label(Content.assemble((f"{self.method} ", "bold"),
                                         visible(self.url, single_line=True)),
                        id="confirm-url")
            yield Label(literal(f"This request {self.what}.", single_line=True),
                        id="confirm-summary")
            yield Label(Content.assemble("Type ", (visible(self.target, single_line=True),
                                                   "bold"), " to confirm:"),
                        id="confirm-prompt")
            yield Input(placeholder=visible(self.target, single_line=True), id="confirm-input")
            with Horizontal(classes="modal-buttons"):
                yield Button("Cancel", id="confirm-cancel")
                yield Button("Send", variant="error", id="confirm-ok", disabled=True)

    def on_mount(self) -> None:
        self.query_one("#confirm-input", Input).focus()

    def _typed_right(self, value: str) -> bool:
        return value.strip() == self.target

    @on(Input.Changed, "#confirm-input")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm-ok", Button).disabled = not self._typed_right(event.value)

    @on(Input.Submitted, "#confirm-input")
    def _submit(self, event: Input.Submitted) -> None:
        if self._typed_right(event.value):
            self.dismiss(True)
        else:
            self.notify(f"Type {self.target} exactly to confirm.", severity="warning")

    @on(Button.Pressed, "#confirm-ok")
    def _ok(self) -> None:
        if self._typed_right(self.query_one("#confirm-input", Input).value):
            self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel_button(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)
