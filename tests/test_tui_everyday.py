"""Everyday flows of the explorer, each the way a person tries it the first time:
the filter and the docs, drafts, drill-down slots, keys at 80x24, booleans, Range."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.message import Message
from textual.widgets import DataTable, Input, TabbedContent
from textual.widgets._footer import FooterKey

from heroku_explorer.schema import load_path
from heroku_explorer.schema.model import Action, ApiSpec
from heroku_explorer.tui.screens.drill import drill_targets
from heroku_explorer.tui.screens.help import HelpScreen
from heroku_explorer.tui.widgets.docs_panel import DocsPanel
from heroku_explorer.tui.widgets.json_tree import JsonTree
from heroku_explorer.tui.widgets.on_off import OnOff
from heroku_explorer.tui.widgets.param_form import ParamForm
from heroku_explorer.tui.widgets.resource_tree import ResourceTree, listed
from tests.tui_support import build_app, open_action, settle, text_of

SIZE = (140, 45)
SMALL = (80, 24)


@pytest.fixture(scope="module")
def modern(ref_hyper_path: Path) -> ApiSpec:
    return load_path(str(ref_hyper_path))


def _id(item: object) -> str:
    """The id of an action (what the tree, the docs and the form hold)."""
    return item.id if isinstance(item, Action) else repr(item)


def _cursor(tree: ResourceTree) -> str:
    node = tree.cursor_node
    return _id(node.data) if node is not None else "(none)"


def _ids(tree: ResourceTree) -> list[str]:
    return [_id(leaf.data) for node in tree.root.children for leaf in node.children]


# -- the tree, the filter and the docs ----------------------------------------------------


async def test_filter_moves_the_docs_to_the_new_highlighted_row(tmp_path: Path) -> None:
    posted: list[Message] = []
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE, message_hook=posted.append) as pilot:
        await settle(pilot)
        tree = app.screen.query_one(ResourceTree)
        await pilot.press("slash", *"region list")
        await settle(pilot)
        await pilot.pause(0.2)  # the docs follow a moment after the last key
        assert _cursor(tree) == "region.list"
        highlighted = [_id(m.item) for m in posted if isinstance(m, ResourceTree.ItemHighlighted)]
        assert highlighted[-1] == "region.list"
        docs = app.screen.query_one(DocsPanel)
        assert _id(docs.item) == "region.list"
        # A narrower filter whose first match sits on the same line: the docs follow too.
        line = tree.cursor_line
        await pilot.press(*["backspace"] * len("region list"), *"app list")
        await settle(pilot)
        await pilot.pause(0.2)
        assert _cursor(tree) == "app.list"
        assert tree.cursor_line == line  # no highlight event from the tree itself
        assert _id(docs.item) == "app.list"


async def test_a_filter_nothing_matches_says_so_and_escape_clears_it(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"zzqx")
        await settle(pilot)
        line = app.screen.query_one("#tree-no-match")
        assert line.display and "No match for 'zzqx'" in text_of(app, "#tree-no-match")
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.query_one("#tree-filter", Input).value == ""
        assert not line.display
        assert isinstance(app.focused, ResourceTree)


async def test_a_palette_jump_clears_the_filter_box(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"region")
        await settle(pilot)
        await open_action(pilot, "app.info")
        await pilot.pause(0.2)
        tree = app.screen.query_one(ResourceTree)
        assert app.screen.query_one("#tree-filter", Input).value == ""
        assert tree.query_text == ""
        assert "app.info" in _ids(tree) and "region.list" in _ids(tree)


def test_the_tree_lists_resources_with_actions_by_title(modern: ApiSpec) -> None:
    shown = listed(modern)
    names = [res.name.casefold() for res in shown]
    assert names == sorted(names)
    assert all(res.actions for res in shown)
    empty = [res.key for res in modern.resources if not res.actions]
    assert empty and not set(empty) & {res.key for res in shown}
    tree = ResourceTree(modern)
    assert [node.data for node in tree.root.children] == shown


# -- drafts ---------------------------------------------------------------------------------


async def test_form_values_survive_every_way_of_leaving_and_coming_back(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.create")
        form = app.screen.query_one(ParamForm)
        form.rows["name"].set_value("kept-by-draft")
        await settle(pilot)
        # Away through the palette, back through the tree.
        await open_action(pilot, "region.list")
        await pilot.press("escape", "slash", *"app create", "enter")
        await settle(pilot)
        tree = app.screen.query_one(ResourceTree)
        assert _cursor(tree) == "app.create"
        await pilot.press("enter")
        await settle(pilot)
        assert form.action is not None and form.action.id == "app.create"
        assert form.rows["name"].raw_text() == "kept-by-draft"
        # Away through a drill-down, back through the palette.
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        app.screen.query_one("#response-tabs", TabbedContent).active = "tab-tree"
        await pilot.pause()
        body = app.screen.query_one(JsonTree)
        body.focus()
        body.move_cursor(body.root.children[0])
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert form.action is not None and form.action.id == "app.info"
        await open_action(pilot, "app.create")
        assert form.rows["name"].raw_text() == "kept-by-draft"
        # Away through the history (Send again opens the entry's own action).
        await open_action(pilot, "region.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        assert form.action is not None and form.action.id == "region.list"
        await open_action(pilot, "app.create")
        assert form.rows["name"].raw_text() == "kept-by-draft"


# -- drill-down -----------------------------------------------------------------------------


def test_a_pipeline_coupling_fills_stage_and_pipeline_id(modern: ApiSpec) -> None:
    coupling = {"id": "c0ffee00-0000-4000-8000-000000000001", "stage": "staging",
                "app": {"id": "01234567-89ab-4def-8123-456789abcdef"},
                "pipeline": {"id": "aaaa0000-0000-4000-8000-000000000002"}}
    targets = {t.action.id: t for t in drill_targets(
        modern, modern.action("pipeline-coupling.list"), (0,), coupling)}
    config = targets["pipeline-config-var.info-for-app"]
    assert config.values == {"pipeline_id": "aaaa0000-0000-4000-8000-000000000002",
                             "pipeline_coupling_stage": "staging"}
    assert config.missing == ()
    assert targets["pipeline-coupling.info"].values == {
        "pipeline_coupling_id": "c0ffee00-0000-4000-8000-000000000001"}


def test_a_nested_object_keeps_its_own_parent(modern: ApiSpec) -> None:
    # An add-on names its app: that app fills the app slot, not the one of the request.
    addon = {"id": "5ba5ba00-0000-4000-8000-000000000003", "name": "db-1",
             "app": {"id": "01234567-89ab-4def-8123-456789abcdef", "name": "its-app"}}
    targets = {t.action.id: t for t in drill_targets(
        modern, modern.action("add-on.list"), (0,), addon, {"app_id_or_name": "other"})}
    info = targets["add-on.info-by-app"]
    assert info.values["app_id_or_name"] == "its-app"


# -- keys at 80x24 --------------------------------------------------------------------------


async def _visible_keys(pilot: Any, width: int, wanted: tuple[str, ...]) -> dict[str, str]:
    """The footer's keys inside ``width`` columns, once it shows ``wanted`` (or 3 s)."""
    keys: dict[str, str] = {}
    for _ in range(60):
        await pilot.pause(0.05)
        keys = {key.key: key.description for key in pilot.app.screen.query(FooterKey)
                if key.region.width and key.region.right <= width}
        if set(wanted) <= set(keys):
            break
    return keys


async def test_the_footer_keeps_f1_f2_f3_and_send_visible_at_80x24(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await settle(pilot)
        for where in ("tree", "form"):
            if where == "form":
                await open_action(pilot, "app.create")
                assert isinstance(app.focused, Input)
            lead = ("f1", "f2", "f3", "ctrl+j")
            keys = await _visible_keys(pilot, SMALL[0], lead)
            for key in lead:
                assert key in keys, (where, keys)
        await pilot.press("ctrl+j")  # a problem to fix: nothing sent
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        wanted = ("f1", "f2", "f3", "ctrl+j", "b", "t", "h", "n", "N")
        keys = await _visible_keys(pilot, SMALL[0], wanted)
        for key in wanted:
            assert key in keys, keys
        await pilot.press("f3")
        await settle(pilot)
        wanted = ("f1", "f2", "escape", "r")
        keys = await _visible_keys(pilot, SMALL[0], wanted)
        for key in wanted:
            assert key in keys, keys


async def test_f1_opens_the_help_from_a_text_field(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_action(pilot, "app.create")
        assert isinstance(app.focused, Input)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f1")
        await settle(pilot)
        assert not isinstance(app.screen, HelpScreen)


async def test_escape_takes_the_person_back_to_the_tree(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SMALL) as pilot:
        await open_action(pilot, "app.create")
        assert isinstance(app.focused, Input)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.focused, ResourceTree)
        await open_action(pilot, "region.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("ctrl+g", "escape")
        await settle(pilot)
        assert isinstance(app.focused, ResourceTree)


async def test_booleans_say_on_or_off_in_words(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.update")
        row = app.screen.query_one(ParamForm).rows["maintenance"]
        switch = row.widget
        assert isinstance(switch, OnOff)
        assert str(switch.render()) == "[ ] off"
        switch.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert switch.value and str(switch.render()) == "[x] on"
        assert row.value() is True
        assert "[x] on" in "".join(seg.text for seg in switch.render_line(0))


# -- Range ----------------------------------------------------------------------------------


async def test_the_params_tab_points_to_range_and_shows_an_active_one(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        note = text_of(app, "#params-note")
        assert "Range" in note and "Headers tab" in note and "none set" in note
        app.screen.query_one("#range-max", Input).value = "2"
        await settle(pilot)
        note = text_of(app, "#params-note")
        assert "Range id ..; max=2" in note and "Headers tab" in note
        await open_action(pilot, "app.info")
        assert "Range" not in text_of(app, "#params-note")


# -- history --------------------------------------------------------------------------------


async def test_send_again_opens_the_entrys_own_action_filled_and_editable(
        tmp_path: Path) -> None:
    from heroku_explorer.tui.widgets.response_view import ResponseView

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        listed_apps = app.screen.query_one(ResponseView).exchange
        assert listed_apps is not None
        name = listed_apps.data[0]["name"]
        await open_action(pilot, "app.info", {"app_id_or_name": name})
        await pilot.press("ctrl+j")
        await settle(pilot)
        await open_action(pilot, "region.list")  # the form now shows another action
        await pilot.press("f3")
        await settle(pilot)
        table = app.screen.query_one("#history-table", DataTable)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[1] == "SANDBOX" and row[2] == "sandbox.invalid"
        assert f"/apps/{name}" in row[4]
        await pilot.press("r")
        await settle(pilot)
        form = app.screen.query_one(ParamForm)
        assert form.action is not None and form.action.id == "app.info"
        assert form.rows["app_id_or_name"].raw_text() == name
        shown = app.screen.query_one(ResponseView).exchange
        assert shown is not None and shown.action_id == "app.info"
        assert text_of(app, "#action-bar").startswith(" GET  App Info")
        # Editable: change the value and send the edited request.
        form.rows["app_id_or_name"].set_value("no-such-app")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith(" 404")


async def test_a_sandbox_entry_is_not_sent_again_in_live_mode(tmp_path: Path) -> None:
    from tests.tui_support import Arrival

    sandbox = build_app(tmp_path)
    async with sandbox.run_test(size=SIZE) as pilot:
        await open_action(pilot, "region.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
    arrivals: list[Arrival] = []
    live = build_app(tmp_path, mode="LIVE", arrivals=arrivals)
    async with live.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        table = live.screen.query_one("#history-table", DataTable)
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[1] == "SANDBOX"
        await pilot.press("r")
        await settle(pilot)
        said = [str(n.message) for n in live._notifications]
        assert any("went to sandbox.invalid (SANDBOX)" in s and "api.heroku.com (LIVE)" in s
                   for s in said), said
        assert not any("DNS" in s or "resolve" in s for s in said)
        assert arrivals == []


# -- status bar, toasts and warnings ---------------------------------------------------


async def test_the_status_bar_shows_the_new_email_after_account_update(tmp_path: Path) -> None:
    from heroku_explorer.tui.widgets.status_bar import StatusBar

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "account.info")
        await pilot.press("ctrl+j")
        await settle(pilot)
        before = app.screen.query_one(StatusBar).account
        assert before and before in text_of(app, "#status-bar")
        await open_action(pilot, "account.update", {"email": "renamed@example.com"})
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith(" 200")
        assert app.screen.query_one(StatusBar).account == "renamed@example.com"
        assert "renamed@example.com" in text_of(app, "#status-bar")
        assert before not in text_of(app, "#status-bar")


async def test_a_429_toast_says_the_wait_once() -> None:
    import httpx

    from heroku_explorer.schema import load_bundled
    from tests.tui_support import mock_app

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, headers={"Retry-After": "30", "RateLimit-Remaining": "0"},
                              json={"id": "rate_limit", "message": "Your account reached "
                                    "the API rate limit. Please wait a few minutes."})

    app = mock_app(load_bundled(), handler)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "region.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        toasts = [str(n.message) for n in app._notifications if "429" in str(n.message)]
        assert len(toasts) == 1, toasts
        toast = toasts[0].casefold()
        assert "try again in 30 s" in toast
        assert sum(toast.count(w) for w in ("wait", "try again", "retry")) == 1, toast


async def test_the_gauge_is_scaled_to_the_pool_the_server_reports(tmp_path: Path) -> None:
    from heroku_explorer.tui.widgets.status_bar import StatusBar

    app = build_app(tmp_path, mode="LIVE")  # the sandbox's pool holds 1200
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "region.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        bar = app.screen.query_one(StatusBar)
        assert bar.remaining == 1199
        assert bar.level == "high"
        assert "▰" * 8 + " 1199" in text_of(app, "#status-bar")
        bar.remaining = 500  # fewer than half of the largest seen
        assert bar.level == "medium"


async def test_a_warning_shows_on_the_response_of_the_request_that_caused_it(
        tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "region.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert "deprecated" not in text_of(app, "#key-headers")
        await open_action(pilot, "app.create", {"name": "old-stack", "stack": "heroku-20"})
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith(" 201")
        assert "Warning stack_deprecated: This stack is deprecated." in text_of(
            app, "#key-headers")


# -- typing ahead ----------------------------------------------------------------------


async def test_keys_typed_right_after_tab_land_in_the_next_field(tmp_path: Path) -> None:
    from textual import events

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.create")
        form = app.screen.query_one(ParamForm)
        assert list(form.rows)[:2] == ["name", "region"]
        # Tab and text arrive together (a paste, a fast typist): no pause between them.
        for key, char in [("tab", "\t"), ("e", "e"), ("u", "u")]:
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert form.rows["name"].raw_text() == ""
        assert form.rows["region"].raw_text() == "eu"


async def test_tab_still_indents_in_a_json_field(tmp_path: Path) -> None:
    from textual.widgets import TextArea

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "config-var.update", {"app_id_or_name": "x"})
        area = app.screen.query_one(ParamForm).rows["(body)"].widget
        assert isinstance(area, TextArea)
        area.focus()
        await pilot.press("tab")
        await settle(pilot)
        assert app.focused is area and area.text.strip() == "" and area.text != ""


# -- files: save, exports, editor, theme, screenshot -------------------------------------


async def _sent_app_list(pilot: Any) -> None:
    await open_action(pilot, "app.list")
    await pilot.press("ctrl+j")
    await settle(pilot)
    await pilot.press("ctrl+g")
    await settle(pilot)


async def test_a_body_is_saved_to_the_file_asked_for_mode_0600(tmp_path: Path) -> None:
    import json
    import stat

    from heroku_explorer.tui.screens.ask_path import AskPathScreen
    from heroku_explorer.tui.widgets.response_view import ResponseView

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await _sent_app_list(pilot)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, AskPathScreen)
        target = tmp_path / "apps.json"
        box = app.screen.query_one("#ask-path-input", Input)
        box.value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        exchange = app.screen.query_one(ResponseView).exchange
        assert exchange is not None
        assert target.read_bytes() == exchange.full_body()
        assert json.loads(target.read_bytes()) == exchange.data
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
        # A path that cannot be written: one sentence, nothing raised.
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#ask-path-input", Input).value = str(tmp_path / "no" / "x")
        await pilot.press("enter")
        await settle(pilot)
        said = [str(n.message) for n in app._notifications]
        assert any(s.startswith("Not saved to ") for s in said), said


async def test_the_response_view_copies_httpie_and_python(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = build_app(tmp_path)
    copied: list[str] = []
    async with app.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
        await _sent_app_list(pilot)
        await pilot.press("H")
        await pilot.press("p")
        await settle(pilot)
    assert len(copied) == 2
    httpie, python = copied
    assert httpie.startswith("http") and "/apps" in httpie and "GET" in httpie
    assert "import" in python and "/apps" in python
    from heroku_explorer.sandbox import SANDBOX_TOKEN

    assert SANDBOX_TOKEN not in httpie and SANDBOX_TOKEN not in python


def _editor(tmp_path: Path, text: str) -> str:
    """An $EDITOR that replaces the file it is given with ``text``."""
    source = tmp_path / "edited.json"
    source.write_text(text, encoding="utf-8")
    script = tmp_path / "editor.sh"
    script.write_text(f'#!/bin/sh\nstat -c %a "$1" > "{tmp_path}/mode"\n'
                      f'cp "{source}" "$1"\n', encoding="utf-8")
    script.chmod(0o700)
    return str(script)


async def test_a_body_edited_in_the_editor_fills_the_form(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, '{"name": "from-editor"}'))
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.create")
        form = app.screen.query_one(ParamForm)
        form.rows["name"].set_value("before")
        await pilot.press("f4")
        await settle(pilot)
        assert form.rows["name"].raw_text() == "from-editor"
        assert (tmp_path / "mode").read_text().strip() == "600"
        assert '"name": "from-editor"' in text_of(app, "#preview .panel-body")


async def test_a_broken_edit_leaves_the_form_and_says_why(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", _editor(tmp_path, '{"name": "x",, }'))
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.create")
        form = app.screen.query_one(ParamForm)
        form.rows["name"].set_value("kept")
        await pilot.press("f4")
        await settle(pilot)
        assert form.rows["name"].raw_text() == "kept"
        said = " ".join(str(n.message) for n in app._notifications)
        assert "not valid JSON (line 1, column" in said and "unchanged" in said


async def test_a_theme_picked_is_saved_to_the_config(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import tomllib

    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    config = tmp_path / "home" / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('# mine\n[general]\nread_only = false\n\n[keys]\nsend = "f6"\n')
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.theme = "nord"  # what the palette's theme picker does
        await pilot.pause(0.6)
        await settle(pilot)
    data = tomllib.loads(config.read_text())
    assert data["general"] == {"read_only": False, "theme": "nord"}
    assert data["keys"] == {"send": "f6"}
    assert config.read_text().startswith("# mine\n")


async def test_a_screenshot_without_downloads_goes_to_the_data_folder(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "person"))
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    (tmp_path / "person").mkdir()
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.deliver_screenshot()
        await settle(pilot)
        said = " ".join(str(n.message) for n in app._notifications)
    shots = list((tmp_path / "home" / "data" / "screenshots").glob("*.svg"))
    assert len(shots) == 1 and shots[0].read_text().startswith("<svg")
    assert "Downloads does not exist" in said and "screenshots" in said


# -- the README's key list ---------------------------------------------------------------


def _bindings() -> list[tuple[str, str, str]]:
    """(class, key, id) of every binding with an id in the explorer's package."""
    import importlib
    import inspect
    import pkgutil

    from textual.binding import Binding

    import heroku_explorer.tui as tui

    found = []
    for info in pkgutil.walk_packages(tui.__path__, "heroku_explorer.tui."):
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if inspect.isclass(obj) and obj.__module__ == module.__name__:
                for binding in vars(obj).get("BINDINGS", []):
                    if isinstance(binding, Binding) and binding.id:
                        found.append((obj.__name__, binding.key, binding.id))
    return found


def test_the_readme_key_list_covers_every_key() -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    rows = [line for line in readme.splitlines() if line.startswith("| ")]
    bindings = _bindings()
    assert len(bindings) > 30
    for owner, keys, ident in bindings:
        row = next((r for r in rows if f"`{ident}`" in r), None)
        assert row is not None, f"{owner}: binding {ident!r} is not in the README's key list"
        for key in keys.split(","):
            shown = "/" if key == "slash" else key
            assert f"`{shown}`" in row, f"{owner}: key {shown!r} of {ident!r} not in: {row}"
