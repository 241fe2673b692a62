"""The explorer's screens: explorer, response detail, history, overview, confirm, help."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from heroku_explorer.tui.app import ExplorerApp

__all__ = ["explorer_app"]


def explorer_app(node: DOMNode) -> ExplorerApp:
    """The :class:`ExplorerApp` that ``node`` runs in (screens and widgets share its state)."""
    from heroku_explorer.tui.app import ExplorerApp

    app = node.app
    assert isinstance(app, ExplorerApp)
    return app
