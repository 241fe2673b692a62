"""Regenerate ``screenshots/*.svg`` from the real app against the in-process sandbox.

    .venv/bin/python scripts/screenshots.py            # every view
    .venv/bin/python scripts/screenshots.py history    # the views whose name contains "history"

Each view is a scenario of ``tests/tui_support.py`` (the same ones the snapshot tests
take): the explorer built as the CLI builds it, on a seeded sandbox, driven by
Pilot, then exported with ``App.export_screenshot``. Elapsed times and wall-clock
times are fixed so that the pictures only change when the app does.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "screenshots"
WIDE = (130, 40)

sys.path.insert(0, str(ROOT))

from tests import tui_support  # noqa: E402

Scenario = Callable[[Any], Awaitable[None]]


async def diff_tab(pilot: Any) -> None:
    """App List, one app put in maintenance and renamed, App List again: the Diff tab."""
    from textual.widgets import TabbedContent

    app = pilot.app
    await tui_support.open_action(pilot, "app.list")
    await pilot.press("ctrl+j")
    await tui_support.settle(pilot)
    name = app.session[-1].data[0]["name"]
    await tui_support.open_action(pilot, "app.update", {
        "app_id_or_name": name, "maintenance": True, "name": "renamed-app"})
    await pilot.press("ctrl+j")
    await tui_support.settle(pilot)
    await tui_support.open_action(pilot, "app.list")
    await pilot.press("ctrl+j")
    await tui_support.settle(pilot)
    await pilot.press("ctrl+g")
    app.screen.query_one("#response-tabs", TabbedContent).active = "tab-diff"
    await tui_support.settle(pilot)
    await tui_support.quiet(pilot)


async def filtered_body(pilot: Any) -> None:
    """App List through ``map({name, region: .region.name, stack})``."""
    await tui_support.app_list_sent(pilot)
    pilot.app.screen.query_one("#body-view").focus()
    await pilot.press("f", *"map({name, region: .region.name, stack})", "enter")
    await tui_support.settle(pilot)
    await tui_support.quiet(pilot)


#: name -> (scenario, terminal size, caption)
VIEWS: dict[str, tuple[Scenario, tuple[int, int], str]] = {
    "main": (tui_support.main_screen, WIDE, "The explorer: resources, actions and docs"),
    "app-create-docs": (tui_support.app_create_docs, WIDE, "App Create: what the schema says"),
    "app-create-form": (tui_support.app_create_form, WIDE, "App Create: the form, from examples"),
    "form-errors": (tui_support.form_with_errors, WIDE, "Errors beside the field, nothing sent"),
    "response-headers": (tui_support.response_with_headers, WIDE,
                         "A response: key headers above the full table"),
    "response-body": (tui_support.app_list_sent, WIDE, "A response: status, headers and body"),
    "history": (tui_support.history_screen, WIDE, "The history of exchanges"),
    "overview": (tui_support.overview_screen, WIDE, "The schema's own overview"),
    "headers-note": (tui_support.headers_note, WIDE,
                     "What the Headers tab adds, named above the form"),
    "small-terminal": (tui_support.app_list_sent, (80, 24), "At 80x24"),
    "diff-tab": (diff_tab, WIDE, "The Diff tab: what changed since the last App List"),
    "filtered-body": (filtered_body, WIDE, "The body through a jq filter"),
}



def _stable_output() -> None:
    from heroku_explorer.tui.screens import history
    from heroku_explorer.tui.widgets import response_view

    response_view.format_elapsed = lambda ms: "12 ms"  # type: ignore[assignment]
    history.format_clock = lambda ts: "10:00:00"  # type: ignore[assignment]


async def shoot(name: str, scenario: Scenario, size: tuple[int, int], caption: str) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        app = tui_support.build_app(Path(tmp))
        async with app.run_test(size=size) as pilot:
            await scenario(pilot)
            svg = app.export_screenshot(title=f"heroku-explorer · {caption}")
    path = OUT / f"{name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    _stable_output()
    OUT.mkdir(exist_ok=True)
    wanted = [n for n in VIEWS if not argv or any(word in n for word in argv)]
    if not wanted:
        print(f"no view matches {' '.join(argv)}; views: {', '.join(VIEWS)}", file=sys.stderr)
        return 2
    for name in wanted:
        scenario, size, caption = VIEWS[name]
        path = asyncio.run(shoot(name, scenario, size, caption))
        print(f"wrote {path.relative_to(ROOT)}  ({size[0]}x{size[1]}, {caption})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
