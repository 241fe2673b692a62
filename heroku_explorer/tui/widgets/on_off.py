"""A switch that says its state in words: ``[x] on`` / ``[ ] off``.

Textual's switch shows its state by colour alone, which 16- and 256-colour
terminals (and many themes) render as two nearly equal bars. This one keeps the
switch's keys, clicks and ``Switch.Changed`` messages and paints the state as
text, readable at any colour depth and with no colour at all.
"""

from __future__ import annotations

from textual.content import Content
from textual.geometry import Size
from textual.widgets import Switch

__all__ = ["OnOff", "on_off_label"]


def on_off_label(value: bool) -> str:
    """The words a switch in state ``value`` shows."""
    return "[x] on" if value else "[ ] off"


class OnOff(Switch):
    """A :class:`~textual.widgets.Switch` painted as ``[x] on`` / ``[ ] off``."""

    DEFAULT_CSS = """
    OnOff {
        border: none;
        height: 1;
        width: 9;
        padding: 0 1 0 0;
        background: transparent;
        &.-on { color: $text-success; }
        &:focus { text-style: reverse; background-tint: transparent; border: none; }
    }
    """

    def __init__(self, value: bool = False, *, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(value, animate=False, id=id, classes=classes)

    def render(self) -> Content:
        return Content(on_off_label(self.value))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return 8
