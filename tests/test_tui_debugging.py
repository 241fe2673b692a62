"""The explorer's debugging views through the Pilot: the Diff tab (and History's d),
the Body tab's jq filter, and the schema differences in the status area, the Schema
tab and the Tree."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from textual.message import Message
from textual.widgets import DataTable, TabbedContent

from heroku_explorer.schema import load_path
from heroku_explorer.tui.screens.history import HistoryScreen
from heroku_explorer.tui.widgets.answer_tabs import BodyFilter, DiffPane, SchemaPane
from heroku_explorer.tui.widgets.json_tree import JsonTree
from heroku_explorer.tui.widgets.json_view import JsonBodyView
from heroku_explorer.tui.widgets.response_view import ResponseView
from tests.conftest import ROOT
from tests.tui_support import build_app, open_action, settle, text_of

SIZE = (140, 45)


def _collector() -> tuple[list[Message], Any]:
    seen: list[Message] = []
    return seen, seen.append


async def _send(pilot: Any, action_id: str, values: dict[str, Any] | None = None) -> None:
    await open_action(pilot, action_id, values)
    await pilot.press("ctrl+j")
    await settle(pilot)


async def test_the_diff_tab_compares_with_the_answer_before(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    seen, hook = _collector()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await _send(pilot, "app.list")
        pane = app.screen.query_one(DiffPane)
        assert pane.changes == [] and "No earlier answer of GET /apps" in text_of(
            app, "#diff-title")
        await _send(pilot, "app.create", {"name": "tui-diff", "region": "eu"})
        await _send(pilot, "app.list")
        compared = [m for m in seen if isinstance(m, DiffPane.Compared)]
        assert compared and compared[-1].label == "the answer before (GET /apps)"
        changes = compared[-1].changes
        assert [c.kind for c in changes] == ["added"]
        assert changes[0].path.startswith("[id=") and changes[0].new["name"] == "tui-diff"
        assert "1 change: 1 added" in text_of(app, "#diff-title")
        app.screen.query_one("#body-view").focus()
        await pilot.press("D")
        assert app.screen.query_one("#response-tabs", TabbedContent).active == "tab-diff"


async def test_history_d_diffs_the_selected_entry(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    seen, hook = _collector()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await _send(pilot, "app.list")
        await _send(pilot, "app.create", {"name": "tui-hist", "region": "eu"})
        await _send(pilot, "app.info", {"app_id_or_name": "tui-hist"})
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one(DataTable)
        table.move_cursor(row=2)  # newest first: the app list
        await pilot.press("d")
        await settle(pilot)
        assert not isinstance(app.screen, HistoryScreen)
        compared = [m for m in seen if isinstance(m, DiffPane.Compared)]
        assert compared[-1].label.startswith("GET /apps (")
        # A list against one app: the whole answer changed shape.
        assert compared[-1].changes and compared[-1].changes[0].path == "."
        assert app.screen.query_one("#response-tabs", TabbedContent).active == "tab-diff"


async def test_the_jq_filter_box(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    seen, hook = _collector()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await _send(pilot, "app.list")
        names = [a["name"] for a in app.session[-1].data]
        app.screen.query_one("#body-view").focus()
        await pilot.press("f")
        bar = app.screen.query_one(BodyFilter)
        assert bar.has_class("-open")
        await pilot.press(*"[.[].name]", "enter")
        await settle(pilot)
        applied = [m for m in seen if isinstance(m, BodyFilter.Applied)]
        assert applied[-1].error is None and applied[-1].expression == "[.[].name]"
        body = app.screen.query_one(JsonBodyView)
        assert json.loads("\n".join(body.lines)) == names
        await pilot.press("ctrl+a", "ctrl+k", *".[", "enter")
        await settle(pilot)
        applied = [m for m in seen if isinstance(m, BodyFilter.Applied)]
        assert applied[-1].error is not None
        assert applied[-1].error.startswith("The jq filter is not valid: syntax error")
        assert text_of(app, "#filter-error").startswith("The jq filter is not valid")
        assert json.loads("\n".join(body.lines)) == names  # the last good result stays
        await pilot.press("escape")
        await pilot.pause()
        assert not bar.has_class("-open")
        assert [a["name"] for a in json.loads("\n".join(body.lines))] == names


def _doctored(tmp_path: Path) -> Path:
    source = ROOT / "heroku_explorer" / "schema" / "bundled" / "resources-2013.json"
    data = json.loads(source.read_text())
    data["resources"]["App"]["attributes"]["name"]["type"] = "integer"
    path = tmp_path / "doctored.json"
    path.write_text(json.dumps(data))
    return path


async def test_schema_differences_are_listed_and_marked(tmp_path: Path) -> None:
    from heroku_explorer.schema import load_bundled

    app = build_app(tmp_path, spec=load_bundled())
    seen, hook = _collector()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await _send(pilot, "app.info", {"app_id_or_name": "misty-coast-46941"})
        checked = [m for m in seen if isinstance(m, SchemaPane.Checked)]
        assert checked[-1].differences == []
        assert "differences from the schema" not in text_of(app, "#response-status")
        # The same answers read against a schema that says names are integers.
        app.spec = load_path(str(_doctored(tmp_path)))
        view = app.screen.query_one(ResponseView)
        assert view.exchange is not None
        view.show_exchange(view.exchange, view.attributes)
        await pilot.pause()
        checked = [m for m in seen if isinstance(m, SchemaPane.Checked)]
        found = checked[-1].differences
        assert found and [d.path for d in found] == [".name"]
        assert "1 difference from the schema: .name: string" in text_of(app, "#response-status")
        assert ".name" in text_of(app, "#schema-body")
        tree = app.screen.query_one(JsonTree)
        assert tree.marks[("name",)].endswith("but the schema says integer")
        app.screen.query_one(ResponseView).action_show_tab("tab-tree")
        await pilot.pause()
        node = next(n for n in tree.root.children if n.data and n.data.key == "name")
        assert "⚠" in str(tree.render_label(node, tree.rich_style, tree.rich_style))
        tree.move_cursor(node)
        await pilot.pause()
        assert "⚠" in text_of(app, "#tree-doc") and "integer" in text_of(app, "#tree-doc")
