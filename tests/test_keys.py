"""Key-binding ids: listed in the README, checked in the config, reported by name."""

from __future__ import annotations

import re
from pathlib import Path

from heroku_explorer.tui.keys import binding_ids

README = Path(__file__).resolve().parent.parent / "README.md"


def test_ids_are_unique_and_cover_the_main_actions() -> None:
    ids = binding_ids()
    assert {"send", "help", "history", "overview", "quit", "focus-filter"} <= set(ids)
    assert all(re.fullmatch(r"[a-z][a-z0-9-]*", i) for i in ids)


async def test_unknown_ids_in_the_config_are_named_in_a_notice() -> None:
    from heroku_explorer.schema import load_bundled
    from heroku_explorer.tui.app import ExplorerApp
    from tests.tui_support import sandbox_factory

    spec = load_bundled()
    app = ExplorerApp(spec, sandbox_factory(spec), keymap={"send": "f5", "sned": "f6"})
    async with app.run_test() as pilot:
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert any("keys.sned is not a key binding id" in m for m in messages), messages
    assert not any("keys.send " in m for m in messages)
