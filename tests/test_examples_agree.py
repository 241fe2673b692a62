"""The explorer's Example tab and the REPL's ``example`` say the same thing, for every
action of every schema: one source (heroku_explorer.examples) behind both."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App, ComposeResult

from heroku_explorer.repl.docs import example_text
from heroku_explorer.schema import load_bundled, load_path
from heroku_explorer.schema.model import ApiSpec
from heroku_explorer.tui.widgets.request_preview import ExampleView


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield ExampleView(id="example")


def _plain(view: ExampleView) -> str:
    from textual.widgets import Static

    static = view.query_one(".panel-body", Static)
    # What the panel was given to paint: a rich Group of Texts.
    renderable = getattr(static.visual, "_renderable", static.visual)
    console = Console(width=400, record=True, color_system=None, force_terminal=False,
                      file=io.StringIO())
    console.print(renderable)
    return console.export_text()


def _tui_body(text: str) -> Any:
    _, _, after = text.partition("Example response")
    lines = after.strip().splitlines()[1:]  # past "HTTP/1.1 200 OK"
    body = "\n".join(line.rstrip() for line in lines).strip()
    return None if not body or body.startswith("(") else json.loads(body)


def _repl_body(text: str) -> Any:
    after = re.split(r"(?m)^Response \(.*\)$", text)[-1].strip()
    return None if after.startswith("(") else json.loads(after)


def _schemas(ref_hyper_path: Path, ref_sdk_path: Path) -> dict[str, ApiSpec]:
    return {"bundled": load_bundled(), "hyper": load_path(str(ref_hyper_path)),
            "sdk": load_path(str(ref_sdk_path))}


@pytest.mark.parametrize("which", ["bundled", "hyper", "sdk"])
async def test_the_promised_answer_is_the_same_in_both_front_ends(
        which: str, ref_hyper_path: Path, ref_sdk_path: Path) -> None:
    spec = _schemas(ref_hyper_path, ref_sdk_path)[which]
    app = _Host()
    disagree: list[str] = []
    shown = 0
    async with app.run_test(size=(200, 50)):
        view = app.query_one(ExampleView)
        for action in spec.actions():
            view.show(spec, action, None)
            tui = _tui_body(_plain(view))
            repl = _repl_body(example_text(spec, action))
            if tui != repl:
                disagree.append(action.id)
            shown += tui is not None
    assert disagree == [], f"{len(disagree)} of {spec.action_count}: {disagree[:10]}"
    assert shown > spec.action_count // 2  # most actions promise a body
