"""F1 help: what the focused part does and every key that works there."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Label, Markdown

from heroku_explorer.safe_text import visible

__all__ = ["HelpScreen", "help_markdown"]

_GENERAL = """\
## heroku-explorer

Browse the API in the tree, read the docs, open an action (**Enter**), fill the
form and send it (**ctrl+j**). **ctrl+p** searches every action, **F2** shows the
schema's overview, **F3** the history. When today's schema arrives and differs
from the one in use, **ctrl+u** starts again on it (the status bar says so). Every
key below has an id that the `[keys]` table of the config file can remap.
"""


def _md(text: str) -> str:
    return text.replace("|", "\\|")


def help_markdown(focused: Widget | None, screen: Screen[object]) -> str:
    """Help for ``focused`` (the nearest part that has some) and the active keys."""
    parts: list[str] = []
    node: DOMNode | None = focused
    while node is not None:
        text = getattr(node, "HELP", None)
        if isinstance(text, str) and text.strip():
            parts.append(text.strip())
            break
        node = node.parent
    parts.append(_GENERAL.strip())
    rows = ["| Key | Does | Id |", "| --- | --- | --- |"]
    seen: set[str] = set()
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or (binding.id or key) in seen:
            continue
        seen.add(binding.id or key)
        shown = screen.app.get_key_display(binding)
        rows.append(f"| `{_md(shown)}` | {_md(binding.description)} | {binding.id or ''} |")
    parts.append("## Keys here\n\n" + "\n".join(rows))
    return visible("\n\n".join(parts))


class HelpScreen(ModalScreen[None]):
    """Help for the focused widget and the keys that work there."""

    CSS_PATH = Path(__file__).with_name("screens.tcss")

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss_help", "Close", id="close-help"),
    ]

    def __init__(self, focused: Widget | None, screen: Screen[object]) -> None:
        super().__init__(classes="modal")
        self.text = help_markdown(focused, screen)

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-box", id="help-box"):
            with VerticalScroll():
                yield Markdown(self.text)
            yield Label("Esc closes", classes="modal-hint")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
