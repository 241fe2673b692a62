"""The REPL's ``schema`` (where the schema in use comes from, and today's) and
``schema use`` (switch to today's once it has arrived and differs)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from heroku_explorer.repl.refusals import SessionProblem
from heroku_explorer.safe_text import visible

if TYPE_CHECKING:
    from heroku_explorer.repl.session import Session
    from heroku_explorer.schema.model import ApiSpec
    from heroku_explorer.schema_updates import SchemaUpdate

__all__ = ["SUMMARY_LINES", "schema_info", "schema_notice", "use_schema"]

#: Lines of a schema change summary shown in the notice and by ``schema``.
SUMMARY_LINES = 6

#: Why ``schema use`` has nothing to switch to, by the update's state.
_NOTHING_NEWER = {"fetching": "it is still loading", "current": "the one in use is today's",
                  "failed": "it could not be fetched", "offline": "offline, nothing is fetched",
                  "idle": "it is not fetched yet"}


def _counts(spec: ApiSpec) -> str:
    return f"{len(spec.resources)} resources, {sum(1 for _ in spec.actions())} actions"


def schema_notice(update: SchemaUpdate) -> str:
    """The words on a schema that arrived and differs: the first lines of its
    summary and how to switch (names in the summary are already made visible)."""
    lines = (update.summary or "").splitlines()
    shown = [f"today's schema from {update.host} differs from the one in use:",
             *(f"  {line}" for line in lines[:SUMMARY_LINES])]
    if len(lines) > SUMMARY_LINES:
        shown.append(f"  … and {len(lines) - SUMMARY_LINES} more line(s)")
    shown.append("type 'schema use' to switch")
    return visible("\n".join(shown))


def schema_info(session: Session) -> None:
    """``schema``: where the schema in use comes from and what became of today's."""
    update = session.schema_update
    counts = _counts(session.spec)
    console = session.console
    if update is None:
        source = session.schema_source or "the schema given"
        console.print(f"schema: {visible(source, single_line=True)} ({counts})")
        if session.schema_source is None or not session.schema_source.startswith("live "):
            console.print("today's schema: not fetched (a schema was named)")
        return
    from heroku_explorer.schema_updates import UPDATE_HINT

    host = update.host
    console.print(f"schema: {update.source} ({counts})")
    state = {
        "idle": "not fetched yet",
        "fetching": f"loading from {host}…",
        "current": f"the one in use (checked with {host})",
        "failed": update.message or f"{host} could not be asked",
        "offline": f"offline, never fetched; {UPDATE_HINT}",
    }.get(update.state)
    if update.state == "changed":
        console.print(schema_notice(update))
    else:
        console.print(f"today's schema: {state}")


async def use_schema(session: Session) -> None:
    """``schema use``: today's schema in place of the one in use, with the client
    :attr:`Session.switch_client` gives for it (the sandbox emulates it)."""
    update = session.schema_update
    if update is None or update.state != "changed" or update.new_spec is None:
        state = update.state if update is not None else None
        raise SessionProblem("no newer schema to switch to"
                             + (f": {_NOTHING_NEWER[state]}" if state in _NOTHING_NEWER
                                else ""))
    spec, data = update.new_spec, update.new_bytes
    client = await session.switch_client(spec, data) if session.switch_client else None
    if client is not None:
        await session.replace_client(client)
    session.use_spec(spec)
    session.schema_update = None
    session.schema_source = f"live schema ({update.host})"
    session.console.message(f"now on today's schema from {update.host}: {_counts(spec)}"
                            + ("; the sandbox emulates it" if client is not None else ""))
    if session.on_switch is not None:
        session.on_switch(session)
