"""Command palette provider: jump to any action by resource, title, method or path.

The palette parses the text of its hits as markup; the schema's titles and paths
are escaped for it (``[/x]`` in a title would end the app) and their control
characters made visible.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from heroku_explorer.safe_text import visible
from heroku_explorer.tui.context import ExplorerContext

__all__ = ["ActionCommands"]


class ActionCommands(Provider):
    """Every action of the schema, as ``App Create  POST /apps``."""

    def _host(self) -> ExplorerContext | None:
        # A palette provider is made by Textual, not by us: the app is the context.
        app = self.app
        return app if isinstance(app, ExplorerContext) else None

    def _entries(self) -> list[tuple[str, str, str]]:
        host = self._host()
        if host is None:
            return []
        out = []
        for res in host.spec.resources:
            for act in res.actions:
                out.append((visible(f"{res.name} {act.title}", single_line=True),
                            visible(f"{act.method} {act.path}", single_line=True), act.id))
        return out

    def _open(self, action_id: str) -> None:
        host = self._host()
        if host is not None:
            host.open_action(action_id)

    async def discover(self) -> Hits:
        for title, help_text, action_id in self._entries()[:40]:
            yield DiscoveryHit(escape(title), partial(self._open, action_id),
                               text=title, help=escape(help_text))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action_id in self._entries():
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(escape(title)),
                          partial(self._open, action_id), text=title, help=escape(help_text))
