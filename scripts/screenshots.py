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

from tests import lesson_support, tui_support  # noqa: E402

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
    "learn": (lesson_support.learn_screen, WIDE, "Lessons: learn the API by doing it"),
    "lesson-explained": (lesson_support.lesson_explained, WIDE,
                         "A lesson met: the explanation names your own exchange"),
    "diff-tab": (diff_tab, WIDE, "The Diff tab: what changed since the last App List"),
    "filtered-body": (filtered_body, WIDE, "The body through a jq filter"),
}
#: Views of ``heroku-explorer learn`` (the explorer on its Learn screen).
LEARN_VIEWS = frozenset({"learn", "lesson-explained"})



def _stable_output() -> None:
    from heroku_explorer.tui.screens import history
    from heroku_explorer.tui.widgets import response_view

    response_view.format_elapsed = lambda ms: "12 ms"  # type: ignore[assignment]
    history.format_clock = lambda ts: "10:00:00"  # type: ignore[assignment]


async def shoot(name: str, scenario: Scenario, size: tuple[int, int], caption: str) -> Path:
    import os

    from heroku_explorer.paths import HOME_ENV

    with tempfile.TemporaryDirectory() as tmp:
        # Lesson progress lives in the data directory: a fresh one for each picture.
        before = os.environ.get(HOME_ENV)
        os.environ[HOME_ENV] = tmp
        try:
            app = (lesson_support.learn_app(numbered=True) if name in LEARN_VIEWS
                   else tui_support.build_app(Path(tmp)))
            async with app.run_test(size=size) as pilot:
                await scenario(pilot)
                svg = app.export_screenshot(title=f"heroku-explorer · {caption}")
        finally:
            if before is None:
                os.environ.pop(HOME_ENV, None)
            else:
                os.environ[HOME_ENV] = before
    path = OUT / f"{name}.svg"
    path.write_text(svg, encoding="utf-8")
    return path


#: A log stream as logplex sends it, for the Logs pane's picture.
DEMO_LOG = [
    "2026-12-01T10:00:00.000000+00:00 heroku[web.1]: State changed from starting to up",
    "2026-12-01T10:00:00.412000+00:00 app[web.1]: [INFO] Listening at: http://0.0.0.0:5000",
    "2026-12-01T10:00:01.208000+00:00 heroku[router]: at=info method=GET path=\"/\" "
    "host=misty-coast-46941.herokuapp.com fwd=\"203.0.113.7\" dyno=web.1 connect=0ms "
    "service=14ms status=200 bytes=1432 protocol=https",
    "2026-12-01T10:00:02.733000+00:00 app[web.1]: GET /health 200 2ms",
    "2026-12-01T10:00:04.019000+00:00 app[worker.1]: Processed job 8121 in 41ms",
    "2026-12-01T10:00:05.650000+00:00 heroku[router]: at=info method=POST path=\"/api/orders\" "
    "dyno=web.1 connect=1ms service=88ms status=201 bytes=310 protocol=https",
    "2026-12-01T10:00:06.101000+00:00 app[web.1]: \x1b[31mcolour codes arrive inert\x1b[0m",
    "2026-12-01T10:00:09.377000+00:00 heroku[scheduler.4012]: Starting process with command "
    "`python manage.py clearsessions`",
    "2026-12-01T10:00:10.002000+00:00 app[scheduler.4012]: Cleared 112 sessions",
    "2026-12-01T10:00:10.115000+00:00 heroku[scheduler.4012]: Process exited with status 0",
]


async def logs_pane(pilot: Any) -> None:
    """A Log Session Create sent, then F6: the Logs pane once the stream has ended."""
    from heroku_explorer.tui.screens.logs import LogsScreen

    await tui_support.open_action(pilot, "log-session.create",
                                  {"app_id_or_name": "misty-coast-46941", "lines": 10})
    await pilot.press("ctrl+j")
    await tui_support.settle(pilot)
    await pilot.press("f6")
    for _ in range(200):
        screen = pilot.app.screen
        if isinstance(screen, LogsScreen) and screen.state == "ended":
            break
        await pilot.pause(0.05)
    await tui_support.quiet(pilot)


async def shoot_logs(size: tuple[int, int], caption: str) -> Path:
    """The Logs pane, on a loopback stand-in for the API and logplex."""
    from heroku_explorer.client.auth import Credentials
    from heroku_explorer.client.client import HerokuClient
    from heroku_explorer.schema import load_bundled
    from heroku_explorer.tui.app import ExplorerApp
    from tests.stream_support import stream_server

    with stream_server(DEMO_LOG) as (base, _), tempfile.TemporaryDirectory() as tmp:
        def factory() -> HerokuClient:
            return HerokuClient(base, Credentials("screenshot-token"), cache_dir=Path(tmp))

        app = ExplorerApp(load_bundled(), factory, mode="SANDBOX", base_url=base)
        async with app.run_test(size=size) as pilot:
            await logs_pane(pilot)
            svg = app.export_screenshot(title=f"heroku-explorer · {caption}")
    path = OUT / "logs.svg"
    path.write_text(svg, encoding="utf-8")
    return path


#: Views that need a stream: name -> (terminal size, caption).
STREAM_VIEWS = {"logs": (WIDE, "The Logs pane: a log session followed as it arrives")}


def main(argv: list[str]) -> int:
    _stable_output()
    OUT.mkdir(exist_ok=True)
    names = [*VIEWS, *STREAM_VIEWS]
    wanted = [n for n in names if not argv or any(word in n for word in argv)]
    if not wanted:
        print(f"no view matches {' '.join(argv)}; views: {', '.join(names)}", file=sys.stderr)
        return 2
    for name in wanted:
        if name in STREAM_VIEWS:
            size, caption = STREAM_VIEWS[name]
            path = asyncio.run(shoot_logs(size, caption))
        else:
            scenario, size, caption = VIEWS[name]
            path = asyncio.run(shoot(name, scenario, size, caption))
        print(f"wrote {path.relative_to(ROOT)}  ({size[0]}x{size[1]}, {caption})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
