"""The explorer driven by Pilot on the in-process sandbox, built as the CLI builds it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, TabbedContent

from heroku_explorer.tui.screens.confirm import ConfirmScreen
from heroku_explorer.tui.screens.drill import DrillScreen
from heroku_explorer.tui.screens.history import HistoryScreen
from heroku_explorer.tui.widgets.json_tree import JsonTree
from heroku_explorer.tui.widgets.param_form import ParamForm
from heroku_explorer.tui.widgets.resource_tree import ResourceTree
from tests.tui_support import build_app, open_action, settle, text_of

SIZE = (140, 45)


async def test_filter_open_send_app_list(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"app list", "enter")
        tree = app.screen.query_one(ResourceTree)
        shown = [leaf.data.id for node in tree.root.children for leaf in node.children]
        assert shown[0] == "app.list"
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        assert text_of(app, "#action-bar").startswith(" GET  App List")
        await pilot.press("ctrl+j")
        await settle(pilot)
        status = text_of(app, "#response-status")
        assert status.startswith(" 200 OK")
        headers = text_of(app, "#key-headers")
        for name in ("ETag", "RateLimit-Remaining", "Request-Id"):
            assert name in headers
        assert "Request-Id 00000000-0000-4000-8000-000000000001" in text_of(app, "#status-bar")
        assert "1199" in text_of(app, "#status-bar")


async def test_drill_from_app_list_to_app_info(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        first = app.screen.query_one("#response").exchange.data[0]["name"]
        app.screen.query_one("#response-tabs", TabbedContent).active = "tab-tree"
        await pilot.pause()
        tree = app.screen.query_one(JsonTree)
        tree.focus()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        titles = [t.action.id for t in app.screen.targets]
        assert titles[0] == "app.info"
        assert "add-on.list" in titles and "config-var.info" in titles
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen.query_one(ParamForm)
        assert form.action is not None and form.action.id == "app.info"
        assert form.rows["app_id_or_name"].raw_text() == first
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith(" 200 OK")
        assert f"/apps/{first}" in text_of(app, "#response-status")


async def test_create_app_bad_value_then_valid(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.create")
        form = app.screen.query_one(ParamForm)
        form.rows["name"].set_value("made-in-a-test")
        form.rows["region"].set_value('{"id": "not-a-uuid"}')
        await pilot.press("ctrl+j")
        await settle(pilot)
        error = str(form.rows["region"].query_one(".field-error").render())
        assert "UUID" in error
        assert form.rows["region"].has_class("-invalid")
        assert text_of(app, "#response-status").startswith("Not sent")
        assert app.session == [] and app.history is not None and app.history.count() == 0
        form.rows["region"].set_value("us")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith(" 201 Created")
        assert str(form.rows["region"].query_one(".field-error").render()) == ""
        assert app.session[-1].data["name"] == "made-in-a-test"


async def test_paging_with_max_two_follows_next_range(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        app.screen.query_one("#range-max", Input).value = "2"
        await pilot.pause()
        assert "Range: id ..; max=2" in text_of(app, "#preview .panel-body")
        await pilot.press("ctrl+j")
        await settle(pilot)
        first = app.session[-1]
        assert first.status == 206 and first.next_range
        assert "Next-Range" in text_of(app, "#key-headers")
        await pilot.press("ctrl+n")
        await settle(pilot)
        second = app.session[-1]
        assert second.request_header("Range") == first.next_range
        assert {a["name"] for a in first.data}.isdisjoint(a["name"] for a in second.data)
        assert second.status == 200


async def test_revalidate_shows_304_unchanged(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        status = text_of(app, "#response-status")
        assert status.startswith(" 304 Not Modified") and "unchanged" in status
        assert app.session[-1].request_header("If-None-Match") == app.session[0].etag


async def test_history_lists_the_exchanges(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        await open_action(pilot, "app.info", {"app_id_or_name": "no-such-app"})
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith(" 404")
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        paths = [str(table.get_row_at(n)[4]) for n in range(3)]
        assert paths == ["/apps/no-such-app", "/apps", "/apps"]
        app.screen.query_one("#history-filter", Input).value = "304"
        await pilot.pause()
        assert table.row_count == 1
        app.screen.query_one("#history-filter", Input).value = "4xx"
        await pilot.pause()
        assert table.row_count == 1
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HistoryScreen)


async def test_live_delete_asks_to_type_the_name(tmp_path: Path) -> None:
    app = build_app(tmp_path, mode="LIVE")
    async with app.run_test(size=SIZE) as pilot:
        assert "LIVE" in text_of(app, "#status-bar")
        await open_action(pilot, "app.delete", {"app_id_or_name": "misty-coast-46941"})
        await pilot.press("ctrl+j")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press(*"misty", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert app.session == []
        await pilot.press(*"-coast-46941", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert text_of(app, "#response-status").startswith(" 200 OK")
        assert app.session[-1].method == "DELETE"


async def test_live_delete_cancelled_sends_nothing(tmp_path: Path) -> None:
    app = build_app(tmp_path, mode="LIVE")
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.delete", {"app_id_or_name": "misty-coast-46941"})
        await pilot.press("ctrl+j")
        await pilot.pause()
        await pilot.press("escape")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith("Cancelled")
        assert app.session == []


async def test_read_only_refuses_a_delete(tmp_path: Path) -> None:
    app = build_app(tmp_path, mode="LIVE", read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        assert "READ-ONLY" in text_of(app, "#status-bar")
        await open_action(pilot, "app.delete", {"app_id_or_name": "misty-coast-46941"})
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmScreen)
        assert text_of(app, "#response-status").startswith("Refused: read-only")
        assert app.session == []


async def test_palette_opens_an_action_and_examples_fill_the_form(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"app create")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen.query_one(ParamForm)
        assert form.action is not None and form.action.id == "app.create"
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert form.rows["name"].raw_text() == "example"
        assert '"name": "example"' in text_of(app, "#preview .panel-body")
        assert "curl" in text_of(app, "#preview .panel-body")


async def test_keys_can_be_remapped_by_id(tmp_path: Path) -> None:
    from heroku_explorer.tui.app import ExplorerApp

    base = build_app(tmp_path)
    app = ExplorerApp(base.spec, base._factory, base_url=base.base_url, keymap={"send": "f6"})
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "region.list")
        await pilot.press("f6")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith(" 200 OK")


async def test_small_terminal_sends_and_shows_the_answer(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith(" 200 OK")
        assert app.screen.has_class("-compact")
        await pilot.press("ctrl+g", "ctrl+o")
        await pilot.pause()
        assert app.screen.maximized is not None
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen.maximized is None


async def test_search_in_the_body_and_errors_keep_the_app_running(tmp_path: Path) -> None:
    from heroku_explorer.tui.widgets.json_view import JsonBodyView

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("ctrl+g", "slash", *"heroku.com")
        await pilot.pause()
        view = app.screen.query_one(JsonBodyView)
        assert len(view.matches) >= 4 and view.current == 0
        await pilot.press("enter")
        assert view.current == 1
        await open_action(pilot, "app.info", {"app_id_or_name": "nope"})
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith(" 404 Not Found")
        assert app.is_running


async def test_history_resends_and_exports(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "region.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("c")
        assert app.clipboard.startswith("curl http://sandbox.invalid/regions")
        assert 'Authorization: Bearer $HEROKU_API_KEY' in app.clipboard
        assert "sandbox-token" not in app.clipboard
        await pilot.press("r")
        await settle(pilot)
        assert not isinstance(app.screen, HistoryScreen)
        assert len(app.session) == 2 and app.session[-1].url == app.session[0].url


async def test_help_names_the_focused_part_and_the_binding_ids(tmp_path: Path) -> None:
    from heroku_explorer.tui.screens.help import HelpScreen

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Resource tree" in app.screen.text and "| send |" in app.screen.text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_typing_in_the_tree_filters(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(ResourceTree).focus()
        await pilot.press(*"config var")
        await settle(pilot)
        assert app.screen.query_one("#tree-filter", Input).value == "config var"
        tree = app.screen.query_one(ResourceTree)
        assert [node.label.plain.split()[0] for node in tree.root.children] == ["Config"]


async def test_typing_before_the_filter_box_is_mounted(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The first frame shows the filter's placeholder; keys typed before the input
    # exists still land, in order, in the input that replaces it. The workbench (which
    # would mount the input too) is held back so that the keys surely come first.
    from heroku_explorer.tui.screens.explorer import ExplorerScreen

    monkeypatch.setattr(ExplorerScreen, "_start_bench", lambda self: None)
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        assert not app.screen.query("#tree-filter")
        assert "Filter: name, path or method" in text_of(app, "#tree-filter-hint")
        await pilot.press(*"app li")
        await settle(pilot)
        assert app.screen.query_one("#tree-filter", Input).value == "app li"
        assert not app.screen.query("#tree-filter-hint")
        tree = app.screen.query_one(ResourceTree)
        shown = [leaf.data.id for node in tree.root.children for leaf in node.children]
        assert shown[0] == "app.list" and "app.info" not in shown


async def test_clearing_the_filter_keeps_the_cursor_on_the_action(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.screen.query_one(ResourceTree).focus()
        await pilot.press(*"app info")
        await settle(pilot)
        tree = app.screen.query_one(ResourceTree)
        assert tree.cursor_node is not None and tree.cursor_node.data.id == "app.info"
        await pilot.press(*["backspace"] * len("app info"))
        await settle(pilot)
        assert app.screen.query_one("#tree-filter", Input).value == ""
        assert tree.cursor_node is not None and tree.cursor_node.data.id == "app.info"


async def test_history_screen_opened_early_fills_when_the_client_opens(tmp_path: Path) -> None:
    from heroku_explorer.client import Exchange, History

    stored = History(tmp_path / "history.sqlite3")  # the file build_app's client uses
    stored.record(Exchange("GET", "http://sandbox.invalid/apps/earlier", (), None,
                           status=200, reason="OK"))
    app = build_app(tmp_path)
    app.history = None  # as the CLI starts it: the history file comes with the client
    async with app.run_test(size=SIZE) as pilot:
        app.action_history()  # before the client has opened
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen)
        await settle(pilot)
        assert app.history is not None
        assert any("/apps/earlier" in row.url for row in app.screen.rows)


async def test_history_that_cannot_be_written_is_announced(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Built the way `heroku-explorer` builds it: the history file opens with the
    # client, after the first frame, and its notice comes then.
    from heroku_explorer.cli import build_parser
    from heroku_explorer.runtime import prepare
    from heroku_explorer.tui.app import ExplorerApp

    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data directory should be")
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(blocked))
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    setup = prepare(build_parser().parse_args([]))
    app = ExplorerApp(setup.spec, setup.client_factory(), mode=setup.mode,
                      base_url=setup.base_url, notices=setup.notices)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            shown = [str(n.message) for n in app._notifications]
            assert any("sandbox mode" in text for text in shown), shown
            assert any("History is off" in text for text in shown), shown
    finally:
        setup.close()
