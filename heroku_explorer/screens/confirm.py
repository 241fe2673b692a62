"""Confirmation for destructive calls on the live API: type the target's name."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from heroku_explorer.schema.model import Action

__all__ = ["ConfirmScreen", "is_destructive"]

_REPLACING = ("password", "rollback", "replace", "regenerate", "transfer", "destroy")


def is_destructive(action: Action) -> bool:
    """DELETE, and updates that destroy or replace (a password change, a rollback...)."""
    if action.is_destructive:
        return True
    if action.method == "GET":
        return False
    words = f"{action.resource} {action.key} {action.title} {action.rel or ''}".lower()
    return any(word in words for word in _REPLACING)


class ConfirmScreen(ModalScreen[bool]):
    """Asks the person to type ``target`` before a destructive call is sent."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="cancel-confirm"),
    ]

    def __init__(self, summary: str, target: str) -> None:
        super().__init__(classes="modal")
        self.summary = summary
        self.target = target

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="confirm-box"):
            yield Label("Confirm on the LIVE API", classes="modal-title -danger")
            yield Label(self.summary, id="confirm-summary")
            yield Label(Content.assemble("Type ", (self.target, "bold"), " to confirm:"),
                        id="confirm-prompt")
            yield Input(placeholder=self.target, id="confirm-input")
            with Horizontal(classes="modal-buttons"):
                yield Button("Cancel", id="confirm-cancel")
                yield Button("Send", variant="error", id="confirm-ok", disabled=True)

    @on(Input.Changed, "#confirm-input")
    def _typed(self, event: Input.Changed) -> None:
        self.query_one("#confirm-ok", Button).disabled = event.value.strip() != self.target

    @on(Input.Submitted, "#confirm-input")
    def _submit(self, event: Input.Submitted) -> None:
        if event.value.strip() == self.target:
            self.dismiss(True)
        else:
            self.notify(f"Type {self.target} exactly to confirm.", severity="warning")

    @on(Button.Pressed, "#confirm-ok")
    def _ok(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#confirm-cancel")
    def _cancel_button(self) -> None:
        self.dismiss(False)

    def action_cancel(self) -> None:
        self.dismiss(False)
