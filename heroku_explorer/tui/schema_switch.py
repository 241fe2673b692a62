"""What the explorer app does with today's schema (a mixin of :class:`ExplorerApp`):
it starts the background fetch after the first frame, keeps the status bar's words
on the schema in use, offers a schema that differs and, on the switch key, ends the
app with :attr:`ExplorerApp.switch_to` set so that :func:`run_tui` starts again on it."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from heroku_explorer.schema_updates import SchemaUpdate
    from heroku_explorer.tui.app import ExplorerApp

__all__ = ["SUMMARY_LINES", "SWITCH_ID", "SchemaSwitchMixin"]

#: Lines of a schema change summary shown in the notice that offers the switch.
SUMMARY_LINES = 6
#: The id of the key that switches to a schema that arrived (remappable under [keys]).
SWITCH_ID = "use-todays-schema"


class SchemaSwitchMixin:
    def _host(self) -> ExplorerApp:
        # The mixin is only ever part of ExplorerApp.
        return cast("ExplorerApp", self)

    def _start_schema_update(self) -> None:
        app = self._host()
        update = app.schema_update
        if update is None or update.state in ("offline", "changed", "current"):
            return
        update.on_change = self._schema_settled
        app.run_worker(update.run(), name="schema-update", group="schema", exclusive=True)
        self._show_schema_state()

    def schema_status(self) -> str:
        """The status bar's words on the schema in use (see :func:`compact_source`)."""
        from heroku_explorer.tui.widgets.status_bar import compact_source

        app = self._host()
        update = app.schema_update
        if update is None:
            return compact_source(app.schema_source or "")
        if update.state in ("idle", "fetching") and update.current_sha256 is None:
            return f"loading the schema from {update.host}…"
        text = compact_source(update.source)
        if update.state == "changed":
            text += f" · new schema: {self._switch_key()}"
        return text

    def _show_schema_state(self) -> None:
        from textual.css.query import NoMatches

        from heroku_explorer.tui.widgets.status_bar import StatusBar

        explorer = self._host()._explorer
        if explorer is None:
            return
        with contextlib.suppress(NoMatches):  # not composed yet: compose reads it
            explorer.query_one(StatusBar).schema = self.schema_status()

    def _switch_key(self) -> str:
        for active in self._host().screen.active_bindings.values():
            if active.binding.id == SWITCH_ID:
                return active.binding.key
        return "ctrl+u"

    def _schema_settled(self, update: SchemaUpdate) -> None:
        """The background fetch ended: say so, and offer a schema that differs."""
        from heroku_explorer.schema_updates import BUNDLED_SOURCE, UPDATE_HINT

        app = self._host()
        self._show_schema_state()
        app.refresh_bindings()
        if update.state == "changed":
            lines = (update.summary or "").splitlines()
            shown = "\n".join(lines[:SUMMARY_LINES])
            if len(lines) > SUMMARY_LINES:
                shown += f"\n… and {len(lines) - SUMMARY_LINES} more line(s)"
            app.notify(f"{shown}\n\n{self._switch_key()}: use it (the tree is rebuilt; the "
                       "form and the response are cleared).",
                       title=f"Today's schema from {update.host} differs from the one in use",
                       timeout=30)
        elif update.state == "failed":
            why = update.message or f"The schema from {update.host} could not be fetched."
            if update.source == BUNDLED_SOURCE:
                why += f" The bundled 2013 manifest stays in use; {UPDATE_HINT}."
            app.notify(why, severity="warning", timeout=10)

    def _switch_ready(self) -> bool:
        app = self._host()
        update = app.schema_update
        return (update is not None and update.state == "changed"
                and update.new_spec is not None and app.switch_to is None)

    def action_use_todays_schema(self) -> None:
        app = self._host()
        update = app.schema_update
        if not self._switch_ready() or update is None or update.new_spec is None:
            app.notify("No newer schema has arrived.", severity="warning")
            return
        app.switch_to = (update.new_spec, update.new_bytes)
        app.exit(0)
