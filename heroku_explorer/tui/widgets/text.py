"""Small helpers shared by the widgets: outside text shown literally.

A string from a server, a schema, a config file or a person may hold Textual
markup (``[/x]`` ends the app with a ``MarkupError`` when parsed; ``[a-z]``
silently disappears) and control characters (an OSC 52 clipboard write). What
the widgets show goes through :func:`literal`: a :class:`Content` built from the
text as it is, with every control character made visible by
:func:`heroku_explorer.safe_text.visible`. Sizes are written one way
everywhere, by :func:`format_size`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.content import Content
from textual.widgets import Static

from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from rich.style import Style
    from textual.dom import DOMNode
    from textual.notifications import SeverityLevel
    from textual.widget import Widget

__all__ = ["PartStyles", "format_size", "literal", "literal_text", "say", "show_text"]


def literal(text: str, *, single_line: bool = False, style: str = "") -> Content:
    """``text`` as :class:`Content`, never parsed as markup, controls made visible."""
    return Content.styled(visible(text, single_line=single_line), style) if style else Content(
        visible(text, single_line=single_line))


def literal_text(text: Any, style: Any = "", *, single_line: bool = True) -> Text:
    """``text`` (anything, as ``str``) as Rich :class:`Text` for tables and trees."""
    return Text(visible(str(text), single_line=single_line), style=style, end="")


def show_text(widget: Static, text: str | Content) -> None:
    """Show ``text`` in ``widget``, hiding it (class ``-empty``) when there is none.

    A ``str`` is shown literally (see :func:`literal`).
    """
    widget.update(literal(text) if isinstance(text, str) else text)
    widget.set_class(not str(text), "-empty")


def say(node: DOMNode, text: str, *, severity: SeverityLevel = "information",
        timeout: float | None = None) -> None:
    """A notification showing ``text`` literally (no markup, controls visible)."""
    node.app.notify(visible(text, single_line=True), severity=severity, timeout=timeout,
                    markup=False)


def format_size(size: int) -> str:
    """``size`` bytes in words: ``12 B``, ``2.3 KB``, ``1.5 MB``."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class PartStyles:
    """The component styles of a widget by part name (``<prefix>--<name>``), cached:
    labels need them often. The widget calls :meth:`clear` when its styles change."""

    def __init__(self, widget: Widget, prefix: str) -> None:
        self._widget = widget
        self._prefix = prefix
        self._found: dict[str, Style] = {}

    def __call__(self, name: str) -> Style:
        found = self._found.get(name)
        if found is None:
            found = self._found[name] = self._widget.get_component_rich_style(
                f"{self._prefix}--{name}")
        return found

    def clear(self) -> None:
        self._found = {}
