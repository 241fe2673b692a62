"""The shape of the explorer's small modal screens: a box with a title (outside
text, shown literally) over what the screen asks, styled by ``.modal``,
``.modal-box`` and ``.modal-title`` (screens.tcss)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from heroku_explorer.tui.widgets.text import literal

if TYPE_CHECKING:
    from textual.app import ComposeResult

__all__ = ["TitledModal"]

ResultT = TypeVar("ResultT")


class TitledModal(ModalScreen[ResultT]):
    """A modal screen titled ``heading``; subclasses compose the rest of the box in
    :meth:`compose_box` and name it by ``BOX_ID``."""

    BOX_ID: ClassVar[str] = ""

    def __init__(self, heading: str) -> None:
        super().__init__(classes="modal")
        self.heading = heading

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id=self.BOX_ID):
            yield Label(literal(self.heading, single_line=True), classes="modal-title")
            yield from self.compose_box()

    def compose_box(self) -> ComposeResult:
        """What the box holds under its title."""
        yield from ()
