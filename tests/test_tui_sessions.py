"""Everyday flows of the explorer, the session side: Send again from the history,
the status bar and toasts, keys typed ahead, and the files it writes (a saved body,
exports, a body edited in $EDITOR, the theme, a screenshot)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from heroku_explorer.tui.widgets.param_form import ParamForm
from tests.tui_support import build_app, open_action, settle, text_of

SIZE = (140, 45)


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
