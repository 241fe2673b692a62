"""A small helper shared by the widgets."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

__all__ = ["put"]


def put(widget: Static, text: str | Content) -> None:
    """Show ``text`` in ``widget``, hiding it (class ``-empty``) when there is none."""
    widget.update(text)
    widget.set_class(not str(text), "-empty")
