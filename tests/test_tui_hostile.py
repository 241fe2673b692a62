"""Outside text is shown literally: never parsed as markup, control characters visible.

A name typed as ``[/x]``, a server's message echoing it, a Request-Id carrying an
OSC 52 clipboard write, a schema title with an escape sequence, a config file
section called ``["/x"]``: the explorer keeps running and shows each as it is.
No traceback either: an unreadable Next-Range, a body nested 3,000 deep, a send
that raises.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from textual.widgets import DataTable, TabbedContent

from heroku_explorer.schema import load_schema
from heroku_explorer.schema.model import ApiSpec
from heroku_explorer.tui.screens.drill import DrillScreen
from heroku_explorer.tui.widgets.json_text import DEEPER, MAX_DEPTH, depth_capped, pretty
from heroku_explorer.tui.widgets.json_tree import JsonTree
from heroku_explorer.tui.widgets.param_form import ParamForm
from tests.tui_support import mock_app, open_action, painted, settle, text_of

SIZE = (140, 45)
OSC52 = "\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGU=\x07"
APP_ID = "01234567-89ab-cdef-0123-456789abcdef"



@pytest.fixture(scope="module")
def modern(ref_hyper_path: Path) -> ApiSpec:
    return load_schema(ref_hyper_path.read_bytes(), origin=str(ref_hyper_path))


def _clean(app: Any) -> str:
    """What the screen paints, asserted free of raw ESC and BEL."""
    shown = painted(app)
    assert "\x1b" not in shown and "\x07" not in shown, [
        line for line in shown.splitlines() if "\x1b" in line or "\x07" in line]
    svg = app.export_screenshot()
    assert "\x1b" not in svg and "\x07" not in svg
    return shown


def _answer(status: int, body: Any, headers: dict[str, str] | None = None,
            raw: bytes | None = None, ctype: str = "application/json") -> httpx.Response:
    content = raw if raw is not None else json.dumps(body).encode()
    merged = {"Content-Type": ctype, "Request-Id": "rid-1", **(headers or {})}
    return httpx.Response(status, content=content,
                          headers=[(k.encode(), v.encode()) for k, v in merged.items()])


def _always(response: Callable[[], httpx.Response]) -> Callable[[httpx.Request], httpx.Response]:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.host in ("sandbox.invalid", "api.heroku.com")
        return response()

    return handler


async def _send(pilot: Any) -> None:
    await pilot.press("ctrl+j")
    await settle(pilot)


# -- markup --------------------------------------------------------------------------------


async def test_markup_typed_into_a_field_is_shown_literally(modern: ApiSpec) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return _answer(201, {"id": APP_ID, "name": "x"})

    app = mock_app(modern, handler)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.create")
        form = app.screen.query_one(ParamForm)
        name = form.rows["name"]
        name.widget.focus()
        await pilot.pause()
        await pilot.press("[", "slash", "x", "]")
        await settle(pilot)
        await _send(pilot)
        assert app.is_running
        assert name.raw_text() == "[/x]"
        error = str(name.query_one(".field-error").render())
        # The pattern keeps its brackets (markup would leave ^{1,28}$ of it).
        assert "^[a-z][a-z0-9-]{1,28}[a-z0-9]$" in error, error
        assert text_of(app, "#response-status").startswith("Not sent")
        shown = _clean(app)
        assert "[/x]" in shown


async def test_a_422_echoing_the_value_is_shown_literally(modern: ApiSpec) -> None:
    message = f"Name [/x] is not allowed [bold]here[/bold] {OSC52}"
    app = mock_app(modern, _always(lambda: _answer(
        422, {"id": "invalid_params", "message": message},
        {"Request-Id": f"rid{OSC52}", "Warning": f"299 - {OSC52}"})))
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.create", {"name": "fine-name"})
        await _send(pilot)
        assert app.is_running
        status = text_of(app, "#response-status")
        assert "Name [/x] is not allowed [bold]here[/bold]" in status
        assert "\\x1b]52;c;" in status
        assert "\\x1b]52;c;" in text_of(app, "#key-headers")
        assert "\\x1b]52;c;" in text_of(app, "#status-bar")
        notes = [str(n.message) for n in app._notifications]
        assert any("[/x]" in n and "\\x1b" in n for n in notes), notes
        _clean(app)


async def test_hostile_headers_body_tree_history_and_drill_title(spec: ApiSpec) -> None:
    name = f"[/x] {OSC52}"
    app = mock_app(spec, _always(lambda: _answer(
        200, [{"id": APP_ID, "name": name, f"key[/b]{OSC52}": "\u202eevil"}],
        {"Request-Id": f"[/x]{OSC52}", "Warning": f"299 - \"[/i] {OSC52}\"",
         "ETag": f'"e[/x]{OSC52}"'})))
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        await _send(pilot)
        assert app.is_running and app.session[-1].status == 200
        shown = _clean(app)
        assert "\\x1b]52;c;" in shown and "\\u202e" in shown
        assert "[/x]" in text_of(app, "#status-bar")
        tabs = app.screen.query_one("#response-tabs", TabbedContent)
        tabs.active = "tab-headers"
        await settle(pilot)
        table = app.screen.query_one("#header-table", DataTable)
        cells = [str(table.get_row_at(n)[1]) for n in range(table.row_count)]
        assert any(c.startswith("[/x]\\x1b]52") for c in cells), cells
        _clean(app)
        tabs.active = "tab-tree"
        await settle(pilot)
        tree = app.screen.query_one(JsonTree)
        tree.root.children[0].expand()
        await settle(pilot)
        _clean(app)
        tree.focus()
        tree.move_cursor(tree.root.children[0])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.heading == f"Actions for {name}"
        title = str(app.screen.query_one(".modal-title").render())
        assert title == "Actions for [/x] \\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGU=\\x07"
        _clean(app)
        await pilot.press("escape")
        await pilot.press("f3")
        await settle(pilot)
        history = app.screen.query_one("#history-table", DataTable)
        assert str(history.get_row_at(0)[7]).startswith("[/x]\\x1b")
        _clean(app)


async def test_text_body_with_controls_is_escaped(spec: ApiSpec) -> None:
    body = f"plain [/x] text {OSC52}\nsecond \u202eline".encode()
    app = mock_app(spec, _always(lambda: _answer(200, None, raw=body, ctype="text/plain")))
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "account.info")
        await _send(pilot)
        view = app.screen.query_one("#body-view")
        assert view.lines[0] == "plain [/x] text \\x1b]52;c;Y3VybCBldmlsLmV4YW1wbGU=\\x07"
        assert view.lines[1] == "second \\u202eline"
        _clean(app)


async def test_schema_text_is_shown_literally(ref_hyper_path: Path, tmp_path: Path) -> None:
    doc = json.loads(ref_hyper_path.read_text())
    app_def = doc["definitions"]["app"]
    app_def["title"] = f"Heroku Platform API - App [/x] {OSC52}"
    app_def["description"] = f"Apps [/b] \x1b[2J cleared? {OSC52}"
    app_def["links"][0]["title"] = f"Create [/i]{OSC52}"
    doc["description"] = f"Overview [/x] {OSC52}"
    spec = load_schema(json.dumps(doc).encode(), origin="hostile.json")
    app = mock_app(spec, _always(lambda: _answer(200, {})))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        _clean(app)
        action = next(a for a in spec.actions() if a.resource == "app" and a.method == "POST")
        await open_action(pilot, action.id)
        assert "[/i]\\x1b]52" in text_of(app, "#action-bar")
        app.screen.query_one("#request-tabs", TabbedContent).active = "tab-docs"
        await settle(pilot)
        docs = text_of(app, "#docs-body")
        assert "[/i]\\x1b]52" in docs and "\x1b" not in docs
        _clean(app)
        await pilot.press("f2")
        await settle(pilot)
        _clean(app)
        await pilot.press("escape", "f1")
        await settle(pilot)
        _clean(app)
        await pilot.press("escape", "ctrl+p")
        await pilot.pause(0.3)
        _clean(app)  # the palette's first hits, before anything is typed
        await pilot.press(*"create")
        await pilot.pause(0.5)
        assert app.is_running
        _clean(app)
        from textual.command import CommandList

        hits = app.screen.query_one(CommandList)
        prompts = [str(hits.get_option_at_index(n).prompt) for n in range(hits.option_count)]
        assert any("Create [/i]\\x1b]52" in p for p in prompts), prompts


async def test_a_config_section_named_like_markup_is_announced_literally(
        spec: ApiSpec, tmp_path: Path) -> None:
    from heroku_explorer.config import load_config
    from heroku_explorer.tui.app import ExplorerApp

    config = tmp_path / "config.toml"
    config.write_text('["/x"]\nkey = 1\n[keys]\nsend = "f6"\n')
    _, notices = load_config(config)
    assert any("[/x]" in n for n in notices), notices
    base = mock_app(spec, _always(lambda: _answer(200, [])))
    app = ExplorerApp(spec, base._factory, base_url=base.base_url, notices=notices)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.is_running
        shown = [str(n.message) for n in app._notifications]
        assert any("unknown section [/x]" in n for n in shown), shown
        # A toast parses its message as markup unless told not to ([/x] would end it).
        assert app._notifications and all(not n.markup for n in app._notifications)


# -- no traceback ----------------------------------------------------------------------------


async def test_unreadable_next_range_is_one_sentence(spec: ApiSpec) -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(206, content=b"[]", headers=[
            (b"Content-Type", b"application/json"),
            (b"Next-Range", "id ]a..; max=²".encode()),
            (b"Content-Range", b"id a..b")])

    app = mock_app(spec, handler)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        await _send(pilot)
        assert app.session[-1].status == 206
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.is_running
        status = text_of(app, "#response-status")
        assert "\n" not in status and "Traceback" not in status
        # (httpx reads the header's bytes as Latin-1: ² arrives as two characters)
        assert status.startswith("Not sent: the answer's Next-Range (id ]a..; max="), status
        assert "cannot be followed" in status
        assert len(seen) == 1


async def test_a_body_nested_3000_deep_does_not_end_the_app(spec: ApiSpec) -> None:
    deep = b"[" * 3000 + b"]" * 3000
    app = mock_app(spec, _always(lambda: _answer(200, None, raw=deep)))
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        await _send(pilot)
        assert app.is_running
        status = text_of(app, "#response-status")
        assert status and "Traceback" not in status
        app.screen.query_one("#response-tabs", TabbedContent).active = "tab-tree"
        await settle(pilot)
        assert app.is_running


async def test_a_body_nested_past_the_cap_says_deeper_levels_not_shown(spec: ApiSpec) -> None:
    depth = 150  # under the client's JSON depth limit, past the views' cap
    body: Any = "bottom"
    for _ in range(depth):
        body = {"k": body}
    app = mock_app(spec, _always(lambda: _answer(200, body)))
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.info", {"app_id_or_name": "x"})
        await _send(pilot)
        assert app.is_running and app.session[-1].body_state == "json"
        view = app.screen.query_one("#body-view")
        assert any(DEEPER in line for line in view.lines)
        assert not any("bottom" in line for line in view.lines)
        app.screen.query_one("#response-tabs", TabbedContent).active = "tab-tree"
        await settle(pilot)
        tree = app.screen.query_one(JsonTree)
        node = tree.root
        for _ in range(MAX_DEPTH + 2):
            if not node.children:
                break
            node = node.children[0]
            node.expand()
            await pilot.pause()
        assert node.data is not None and node.data.value == DEEPER
        assert len(node.data.path) == MAX_DEPTH


def test_depth_cap_walks_without_recursion() -> None:
    value: Any = 1
    for _ in range(50_000):
        value = [value]
    capped = depth_capped(value, 3)
    assert capped == [[[DEEPER]]]
    assert DEEPER in pretty(value)
    shallow = {"a": [1, {"b": 2}]}
    assert depth_capped(shallow) is shallow


async def test_an_exception_in_the_send_worker_is_one_sentence(
        spec: ApiSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    from heroku_explorer.client import HerokuClient

    app = mock_app(spec, _always(lambda: _answer(200, [])))
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")

        async def broken(self: Any, spec: Any, **kwargs: Any) -> Any:
            raise RuntimeError("boom [/x]")

        monkeypatch.setattr(HerokuClient, "send", broken)
        await _send(pilot)
        assert app.is_running
        assert text_of(app, "#response-status") == "Unexpected error (RuntimeError): boom [/x]"
        monkeypatch.undo()
        await _send(pilot)
        assert text_of(app, "#response-status").startswith(" 200 OK")


async def test_a_next_page_that_raises_is_one_sentence(
        spec: ApiSpec, monkeypatch: pytest.MonkeyPatch) -> None:
    from heroku_explorer.client import HerokuClient

    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return _answer(206, [], {"Next-Range": "id ]a..; max=2", "Content-Range": "id a..b"})

    def unreadable(self: Any, exchange: Any) -> Any:
        raise ValueError("invalid literal for int() with base 10: '²'")

    monkeypatch.setattr(HerokuClient, "next_page", unreadable)
    app = mock_app(spec, handler)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        await _send(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert app.is_running and len(seen) == 1
        assert text_of(app, "#response-status") == (
            "Not sent: the answer's Next-Range (id ]a..; max=2) cannot be followed "
            "(invalid literal for int() with base 10: '²').")
