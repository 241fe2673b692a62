"""Command palette provider: jump to any action by resource, title, method or path."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from heroku_explorer.app import ExplorerApp

__all__ = ["ActionCommands"]


class ActionCommands(Provider):
    """Every action of the schema, as ``App Create  POST /apps``."""

    def _host(self) -> ExplorerApp | None:
        from heroku_explorer.app import ExplorerApp

        app = self.app
        return app if isinstance(app, ExplorerApp) else None

    def _entries(self) -> list[tuple[str, str, str]]:
        host = self._host()
        if host is None:
            return []
        out = []
        for res in host.spec.resources:
            for act in res.actions:
                out.append((f"{res.name} {act.title}", f"{act.method} {act.path}", act.id))
        return out

    def _open(self, action_id: str) -> None:
        host = self._host()
        if host is not None:
            host.open_action(action_id)

    async def discover(self) -> Hits:
        for title, help_text, action_id in self._entries()[:40]:
            yield DiscoveryHit(title, partial(self._open, action_id), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_text, action_id in self._entries():
            score = max(matcher.match(title), matcher.match(help_text) * 0.8)
            if score > 0:
                yield Hit(score, matcher.highlight(title), partial(self._open, action_id),
                          text=title, help=help_text)
