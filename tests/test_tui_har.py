"""The history screen's HAR key: the exchanges shown, as a HAR 1.2 file, redacted."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from textual.widgets import Input

from heroku_explorer.redaction import REDACTED
from heroku_explorer.tui.screens.history import HistoryScreen
from tests.har_support import HAR_12
from tests.tui_support import build_app, open_action, settle

SIZE = (140, 45)


async def test_the_har_key_writes_the_shown_exchanges(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    app = build_app(tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await open_action(pilot, "app.list")
        await pilot.press("ctrl+j")
        await settle(pilot)
        await open_action(pilot, "app.info", {"app_id_or_name": "no-such-app"})
        await pilot.press("ctrl+j")
        await settle(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("a")
        await pilot.pause()
        (written,) = out.glob("heroku-explorer-*.har")
        assert written.stat().st_mode & 0o777 == 0o600
        doc = json.loads(written.read_text(encoding="utf-8"))
        jsonschema.validate(doc, HAR_12)
        entries = doc["log"]["entries"]
        assert [e["request"]["url"] for e in entries] == [
            "http://sandbox.invalid/apps", "http://sandbox.invalid/apps/no-such-app"]
        assert [e["response"]["status"] for e in entries] == [200, 404]
        headers = dict((h["name"], h["value"]) for h in entries[0]["request"]["headers"])
        assert headers["Authorization"] == REDACTED
        assert "sandbox-token" not in written.read_text(encoding="utf-8")

        written.unlink()
        app.screen.query_one("#history-filter", Input).value = "4xx"
        await pilot.pause()
        await pilot.press("a")
        await pilot.pause()
        (filtered,) = out.glob("heroku-explorer-*.har")
        entries = json.loads(filtered.read_text(encoding="utf-8"))["log"]["entries"]
        assert [e["response"]["status"] for e in entries] == [404]
