"""What the explorer sends is what the person meant: the policy's rules, through Pilot.

Revalidation repeats only a GET; what was set for one action (an If-Match, a Range,
form values) stays with it; the confirmation shows the URL as sent and what it
destroys; a recorded request whose secret was removed is not sent again; exports
go through the client.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from textual.widgets import Input, Switch, TabbedContent, TextArea

from heroku_explorer.client import Exchange, History
from heroku_explorer.policy import read_only_refusal, resend_refusal
from heroku_explorer.tui.screens.confirm import ConfirmScreen
from heroku_explorer.tui.screens.history import HistoryScreen
from heroku_explorer.tui.widgets.headers_tab import HeadersTab
from heroku_explorer.tui.widgets.param_form import ParamForm
from tests.tui_support import Arrival, build_app, open_action, settle, text_of

SIZE = (140, 45)


async def _send(pilot: Any) -> None:
    await pilot.press("ctrl+j")
    await settle(pilot)


async def _first_app(pilot: Any) -> str:
    await open_action(pilot, "app.list")
    await _send(pilot)
    name = pilot.app.session[-1].data[0]["name"]
    assert isinstance(name, str)
    return name


async def _until_confirm(pilot: Any) -> None:
    """Wait for the confirmation (the send worker waits on it: settle would hang)."""
    for _ in range(50):
        await pilot.pause(0.02)
        if isinstance(pilot.app.screen, ConfirmScreen):
            return


def _posts(arrivals: list[Arrival]) -> list[str]:
    return [path for method, path, _ in arrivals if method == "POST"]


# -- 1. revalidation repeats only a GET -------------------------------------------------


async def test_revalidate_after_app_create_sends_nothing(tmp_path: Path) -> None:
    arrivals: list[Arrival] = []
    app = build_app(tmp_path, arrivals=arrivals)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.create", {"name": "made-once"})
        await _send(pilot)
        assert text_of(app, "#response-status").startswith(" 201 Created")
        assert _posts(arrivals) == ["/apps"]
        await pilot.press("ctrl+r")
        await settle(pilot)
        status = text_of(app, "#response-status")
        assert status.startswith("Not sent: revalidation repeats a GET"), status
        assert "POST" in status
        assert _posts(arrivals) == ["/apps"] and len(arrivals) == 1
        assert len(app.session) == 1 and app.is_running


async def test_revalidate_after_dyno_create_sends_nothing(tmp_path: Path) -> None:
    arrivals: list[Arrival] = []
    app = build_app(tmp_path, arrivals=arrivals)
    async with app.run_test(size=SIZE) as pilot:
        name = await _first_app(pilot)
        await open_action(pilot, "dyno.create", {"app_id_or_name": name, "command": "bash"})
        await _send(pilot)
        assert app.session[-1].method == "POST"
        before = len(arrivals)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith("Not sent: revalidation repeats")
        assert len(arrivals) == before and len(_posts(arrivals)) == 1


# -- 2. what was set belongs to its action -----------------------------------------------


async def test_if_match_set_on_apps_stays_with_app_list(tmp_path: Path) -> None:
    arrivals: list[Arrival] = []
    app = build_app(tmp_path, arrivals=arrivals)
    async with app.run_test(size=SIZE) as pilot:
        name = await _first_app(pilot)
        tab = app.screen.query_one(HeadersTab)
        tab.query_one("#use-if-match", Switch).value = True
        tab.query_one("#if-match", Input).value = '"abc"'
        await settle(pilot)
        note = text_of(app, "#params-note")
        assert note == 'Headers: If-Match "abc" (Headers tab)', note
        assert 'If-Match: "abc"' in text_of(app, "#preview .panel-body")
        # Another action starts from its own (empty) draft: no stale If-Match.
        await open_action(pilot, "config-var.update",
                          {"app_id_or_name": name, "(body)": {"FOO": "bar"}})
        assert tab.query_one("#use-if-match", Switch).value is False
        assert tab.query_one("#if-match", Input).value == ""
        assert text_of(app, "#params-note") == ""
        await _send(pilot)
        assert text_of(app, "#response-status").startswith(" 200 OK")
        assert "if-match" not in arrivals[-1][2]
        await open_action(pilot, "account.info")
        await _send(pilot)
        assert arrivals[-1][1] == "/account" and "if-match" not in arrivals[-1][2]
        # Coming back restores what was typed for App List.
        await open_action(pilot, "app.list")
        assert tab.query_one("#use-if-match", Switch).value is True
        assert tab.query_one("#if-match", Input).value == '"abc"'
        assert "If-Match" in text_of(app, "#params-note")


async def test_range_of_one_list_does_not_page_another(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        name = await _first_app(pilot)
        everything = len(app.session[-1].data)
        assert everything > 2
        await open_action(pilot, "add-on.list", {"app_id_or_name": name})
        app.screen.query_one("#range-max", Input).value = "2"
        await settle(pilot)
        assert "Range id ..; max=2" in text_of(app, "#params-note")
        await open_action(pilot, "app.list")
        assert app.screen.query_one("#range-max", Input).value == ""
        await _send(pilot)
        assert app.session[-1].request_header("Range") is None
        assert len(app.session[-1].data) == everything
        await open_action(pilot, "add-on.list", {"app_id_or_name": name})
        assert app.screen.query_one("#range-max", Input).value == "2"


async def test_form_values_come_back_with_their_action(tmp_path: Path) -> None:
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.create")
        form = app.screen.query_one(ParamForm)
        form.rows["name"].widget.focus()
        await pilot.press(*"typed-name")
        app.screen.query_one("#extra-headers", TextArea).text = "X-Note: kept"
        await settle(pilot)
        await open_action(pilot, "region.list")
        assert app.screen.query_one("#extra-headers", TextArea).text == ""
        await open_action(pilot, "app.create")
        assert form.rows["name"].raw_text() == "typed-name"
        assert app.screen.query_one("#extra-headers", TextArea).text == "X-Note: kept"
        assert "extra X-Note" in text_of(app, "#params-note")
        # Values given when opening (a drill-down) win over the draft.
        await open_action(pilot, "app.create", {"name": "from-a-drill"})
        assert form.rows["name"].raw_text() == "from-a-drill"


async def test_etag_offered_is_the_newest_for_the_same_url(tmp_path: Path) -> None:
    arrivals: list[Arrival] = []
    app = build_app(tmp_path, arrivals=arrivals)
    async with app.run_test(size=SIZE) as pilot:
        name = await _first_app(pilot)
        await open_action(pilot, "app.info", {"app_id_or_name": name})
        await _send(pilot)
        info_etag = app.session[-1].etag
        await open_action(pilot, "region.list")
        await _send(pilot)  # the last answer's ETag is another URL's
        assert info_etag and app.session[-1].etag and app.session[-1].etag != info_etag
        await open_action(pilot, "app.update", {"app_id_or_name": name, "maintenance": True})
        tab = app.screen.query_one(HeadersTab)
        assert tab.offered == info_etag
        assert app.client is not None
        spec = app.screen.query_one("#workbench")._build(everywhere=False)[0]
        assert spec is not None and app.client.etag_for(spec) == info_etag
        tab.query_one("#use-if-match", Switch).value = True
        await settle(pilot)
        assert f"If-Match {info_etag}" in text_of(app, "#params-note")
        await _send(pilot)
        assert arrivals[-1][0] == "PATCH" and arrivals[-1][2]["if-match"] == info_etag
        assert app.session[-1].status == 200


# -- 3. confirmation: from the policy, with the URL as sent --------------------------------


async def test_live_config_var_removal_confirms_with_the_url_sent(tmp_path: Path) -> None:
    arrivals: list[Arrival] = []
    app = build_app(tmp_path, mode="LIVE", arrivals=arrivals)
    async with app.run_test(size=SIZE) as pilot:
        name = await _first_app(pilot)
        await open_action(pilot, "config-var.update",
                          {"app_id_or_name": name, "(body)": {"GONE": None}})
        await pilot.press("ctrl+j")
        await _until_confirm(pilot)
        screen = app.screen
        assert isinstance(screen, ConfirmScreen)
        assert app.client is not None
        bench = app.screen_stack[0].query_one("#workbench")
        spec = bench._build(everywhere=False)[0]
        url = app.client.prepare(spec).url
        assert url == f"https://api.heroku.com/apps/{name}/config-vars"
        assert screen.url == url
        assert text_of_screen_label(screen, "#confirm-url") == f"PATCH {url}"
        assert "removes config var GONE" in text_of_screen_label(screen, "#confirm-summary")
        assert screen.target == name
        count = len(arrivals)
        await pilot.press(*name, "enter")
        await settle(pilot)
        assert len(arrivals) == count + 1 and arrivals[-1][0] == "PATCH"


async def test_live_scale_to_zero_confirms_and_sandbox_never_asks(tmp_path: Path) -> None:
    live = build_app(tmp_path, mode="LIVE")
    async with live.run_test(size=SIZE) as pilot:
        name = await _first_app(pilot)
        await open_action(pilot, "formation.update", {
            "app_id_or_name": name, "formation_id_or_type": "web", "quantity": 0})
        await pilot.press("ctrl+j")
        await _until_confirm(pilot)
        assert isinstance(live.screen, ConfirmScreen)
        assert "scales web" in live.screen.what and live.screen.target == name
        await pilot.press("escape")
        await settle(pilot)
        assert text_of(live, "#response-status").startswith("Cancelled: nothing was sent")
    sandbox = build_app(tmp_path / "sandbox")
    async with sandbox.run_test(size=SIZE) as pilot:
        name = await _first_app(pilot)
        await open_action(pilot, "app.delete", {"app_id_or_name": name})
        await _send(pilot)
        assert not isinstance(sandbox.screen, ConfirmScreen)
        assert sandbox.session[-1].method == "DELETE"


async def test_read_only_says_the_policys_sentence(tmp_path: Path) -> None:
    arrivals: list[Arrival] = []
    app = build_app(tmp_path, mode="LIVE", read_only=True, arrivals=arrivals)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.create", {"name": "never-made"})
        await _send(pilot)
        assert text_of(app, "#response-status") == read_only_refusal(True, "POST")
        assert arrivals == []


def text_of_screen_label(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector).render())


# -- 4. a recorded request whose secret was removed is not sent again ----------------------


async def test_history_refuses_to_resend_a_redacted_secret(tmp_path: Path) -> None:
    stored = History(tmp_path / "history.sqlite3")
    url = "http://sandbox.invalid/apps/[REDACTED]"
    headers = (("X-Secret-Thing", "[REDACTED]"),)
    stored.record(Exchange("GET", url, headers, None, status=200, reason="OK"))
    arrivals: list[Arrival] = []
    app = build_app(tmp_path, arrivals=arrivals)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("r")
        await settle(pilot)
        expected = resend_refusal("GET", url, headers, None)
        assert expected is not None
        assert isinstance(app.screen, HistoryScreen)
        assert any(str(n.message) == expected for n in app._notifications)
        assert arrivals == [] and app.session == []


async def test_workbench_refuses_a_redacted_spec_too(tmp_path: Path) -> None:
    from heroku_explorer.request import raw_request

    arrivals: list[Arrival] = []
    app = build_app(tmp_path, arrivals=arrivals)
    async with app.run_test(size=SIZE) as pilot:
        bench = await app.screen.workbench()
        spec = raw_request("PATCH", "/apps/x", {"name": "[REDACTED]"})
        bench.resend(spec, None)
        await settle(pilot)
        assert text_of(app, "#response-status").startswith("Not sent: this PATCH was recorded")
        assert arrivals == []


# -- 7. exports go through the client ----------------------------------------------------


async def test_copied_curl_never_holds_the_token_typed_in_a_header(tmp_path: Path) -> None:
    from heroku_explorer.sandbox import SANDBOX_TOKEN

    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "region.list")
        app.screen.query_one("#extra-headers", TextArea).text = f"X-Debug: {SANDBOX_TOKEN}"
        await settle(pilot)
        preview = text_of(app, "#preview .panel-body")
        assert "X-Debug" in preview and SANDBOX_TOKEN not in preview
        await _send(pilot)
        app.screen.query_one("#response-tabs", TabbedContent).active = "tab-body"
        app.screen.query_one("#body-view").focus()
        await pilot.press("c")
        # The sandbox's token stands in as a key given on the command line would.
        assert app.clipboard.startswith("curl ")
        assert 'Authorization: Bearer $HEROKU_API_KEY' in app.clipboard
        assert "X-Debug" in app.clipboard and SANDBOX_TOKEN not in app.clipboard
        await pilot.press("f3")
        await settle(pilot)
        for key in ("c", "h", "p"):
            await pilot.press(key)
            assert SANDBOX_TOKEN not in app.clipboard
