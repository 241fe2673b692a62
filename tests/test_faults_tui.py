"""Faults through the Textual explorer (Pilot): the message is on screen and the app goes on.

The explorer is built as the CLI builds it, with a live-mode client pointed at the fault
server over real loopback. For refused, 500 HTML, 429, a timeout and the 50 MB body (the
rest are covered through the client and the REPL): the response status shows one clear
message, the next send works (the fault server is switched back to healthy answers), and
the history screen lists both.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from heroku_explorer.app import ExplorerApp
from heroku_explorer.client import Credentials, HerokuClient, History
from heroku_explorer.schema import ApiSpec, load_bundled
from tests.faults import FaultServer, closed_port_url
from tests.faults.cases import says_what_to_do
from tests.tui_support import open_action, settle, text_of, text_of_screen

TOKEN = "tok-SECRET-4f1e9a"
SIZE = (140, 45)


@pytest.fixture(autouse=True)
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies over the display cap are spooled to the temp folder: keep them in tmp_path."""
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))


@pytest.fixture(scope="module")
def spec() -> ApiSpec:
    return load_bundled()


@pytest.fixture
def faults() -> Iterator[FaultServer]:
    with FaultServer(max_stall=4.0) as server:
        yield server


def build(spec: ApiSpec, base: str, tmp_path: Path, timeout: float = 0.5) -> ExplorerApp:
    history = History(tmp_path / "history.sqlite3")

    def factory() -> HerokuClient:
        return HerokuClient(base, Credentials(token=TOKEN), timeout=timeout, history=history,
                            cache_dir=tmp_path / "cache")

    factory_: Callable[[], HerokuClient] = factory
    return ExplorerApp(spec, factory_, mode="LIVE", base_url=base, history=history)


async def start(pilot: object, action_id: str) -> None:
    """Let the explorer finish mounting, then open ``action_id``."""
    await settle(pilot)
    await open_action(pilot, action_id)


async def send(pilot: object) -> None:
    await pilot.press("ctrl+j")  # type: ignore[attr-defined]
    await settle(pilot)


CASES = {
    "html-500": r"500",
    "rate-limit": r"429 rate limited",
    "hang": r"did not answer within",
}


@pytest.mark.parametrize("fault", list(CASES))
async def test_fault_message_on_screen_then_the_next_send_works(
    spec: ApiSpec, faults: FaultServer, tmp_path: Path, fault: str
) -> None:
    faults.default_fault = fault
    app = build(spec, faults.url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, "app.list")
        await send(pilot)
        status = text_of(app, "#response-status")
        assert CASES[fault] in status, status
        assert says_what_to_do(status), status
        assert "Traceback" not in status and TOKEN not in status
        faults.default_fault = "ok"
        await send(pilot)
        assert text_of(app, "#response-status").startswith(" 200 OK")
        await pilot.press("f3")
        await settle(pilot)
        assert type(app.screen).__name__ == "HistoryScreen"
        await pilot.press("escape")
        await settle(pilot)
        assert type(app.screen).__name__ == "ExplorerScreen"
    assert app.history is not None and len(app.history.search(path="/apps")) == 2


async def test_refused_message_on_screen_and_the_app_goes_on(spec: ApiSpec,
                                                             tmp_path: Path) -> None:
    app = build(spec, closed_port_url(), tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, "app.list")
        await send(pilot)
        status = text_of(app, "#response-status")
        assert "refused" in status and says_what_to_do(status), status
        await open_action(pilot, "region.list")
        await send(pilot)
        assert "refused" in text_of(app, "#response-status")
        await pilot.press("f3")
        await settle(pilot)
        assert type(app.screen).__name__ == "HistoryScreen"
    assert app.history is not None and len(app.history.search()) == 2


async def test_big_body_shown_capped(spec: ApiSpec, faults: FaultServer,
                                     tmp_path: Path) -> None:
    faults.default_fault = "big"
    # the timeout bounds the whole exchange, every byte of the 50 MB included
    app = build(spec, faults.url, tmp_path, timeout=20)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, "app.list")
        t0 = time.monotonic()
        await send(pilot)
        elapsed = time.monotonic() - t0
        status = text_of(app, "#response-status")
        assert status.startswith(" 200 OK") and "50.0 MB" in status.replace("52.4 MB", "50.0 MB")
        assert elapsed < 20, f"{elapsed:.1f} s to receive and show a 50 MB body"
        # The whole body lives in a file; if it is gone, copying says so plainly.
        view = app.screen.query_one("ResponseView")
        Path(view.exchange.body_path).unlink()
        view.action_copy("body")
        await pilot.pause()
        assert any("no longer on disk" in str(n.message) for n in app._notifications)
        faults.default_fault = "ok"
        await send(pilot)
        assert text_of(app, "#response-status").startswith(" 200 OK")


async def test_two_factor_asks_for_a_code_and_retries(spec: ApiSpec, faults: FaultServer,
                                                      tmp_path: Path) -> None:
    faults.default_fault = "two-factor"
    app = build(spec, faults.url, tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, "app.list")
        await send(pilot)
        assert type(app.screen).__name__ == "TwoFactorScreen", "no prompt for the code"
        assert "two_factor" in text_of_screen(app.screen_stack[-2], "#response-status")
        await pilot.press(*"424242", "enter")
        await settle(pilot)
        assert text_of(app, "#response-status").startswith(" 200 OK")
    assert faults.requests[-1].header("Heroku-Two-Factor-Code") == "424242"
