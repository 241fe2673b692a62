"""Faults through the Textual explorer (Pilot): the message is on screen and the app goes on.

The explorer is built as the CLI builds it, with a live-mode client pointed at the fault
server over real loopback. For refused, 500 HTML, 429, a timeout and the 50 MB body: the
response status shows one clear message, the next send works (the fault server is
switched back to healthy answers), and the history screen lists both. Then every case of
:data:`tests.faults.cases.CASES`, the hostile answers included, in three explorers (one
per client timeout): nothing raw is painted, the token is nowhere, the next send works.
"""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable

from heroku_explorer.client import Credentials, HerokuClient, History
from heroku_explorer.schema import ApiSpec
from heroku_explorer.tui.app import ExplorerApp
from tests.faults import FaultServer, closed_port_url
from tests.faults.cases import CASES as FAULT_CASES
from tests.faults.cases import FaultCase, case, is_clear, raw_controls, says_what_to_do
from tests.tui_support import open_action, painted, settle, text_of, text_of_screen

TOKEN = "tok-SECRET-4f1e9a"
SIZE = (140, 45)


@pytest.fixture(autouse=True)
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies over the display cap are spooled to the temp folder: keep them in tmp_path."""
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))



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
        assert is_clear(status) == [] and raw_controls(painted(app)) == []
        assert TOKEN not in painted(app)
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


# -- every fault case through the explorer -------------------------------------------------

#: The cases, in the apps that try them: one client each, so one timeout each (a short one
#: for the stalls, a long one for the bodies that take a while). ``refused`` needs a closed
#: port for its base URL: the refused test above.
GROUPS: dict[str, tuple[float, tuple[FaultCase, ...]]] = {
    "answers": (1.0, tuple(c for c in FAULT_CASES[:FAULT_CASES.index(case("osc52-headers"))]
                           if c.timeout is None and c.fault != "refused")),
    "hostile": (1.0, tuple(c for c in FAULT_CASES[FAULT_CASES.index(case("osc52-headers")):]
                           if c.timeout is None)),
    "large": (30.0, tuple(c for c in FAULT_CASES if c.timeout is not None)),
}


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _header_tab_text(app: ExplorerApp) -> str:
    """What the Headers tab (hidden behind the Body tab) would paint: every cell of the
    header table, and what was sent."""
    table = app.screen.query_one("#header-table", DataTable)
    cells = [str(getattr(cell, "plain", cell)) for row in range(table.row_count)
             for cell in table.get_row_at(row)]
    return "\n".join([*cells, text_of(app, "#sent-request")])


async def _try_case(pilot: object, app: ExplorerApp, faults: FaultServer, fc: FaultCase,
                    timeout: float) -> list[str]:
    """One case through the open explorer; what was wrong (empty: nothing)."""
    problems: list[str] = []
    assert app.history is not None
    before = len(app.history.search())
    faults.default_fault = fc.fault
    rss = _peak_rss_mb()
    t0 = time.monotonic()
    await send(pilot)
    elapsed = time.monotonic() - t0
    if type(app.screen).__name__ == "TwoFactorScreen":  # asked for a code: skip it
        await pilot.press("escape")
        await settle(pilot)
    if fc.kind == "timeout" and elapsed > timeout + 2:
        problems.append(f"{elapsed:.1f} s for a {timeout} s timeout")
    if fc.fault == "gzip-bomb" and _peak_rss_mb() - rss > 150:
        problems.append(f"resident memory grew {_peak_rss_mb() - rss:.0f} MB")
    status = text_of(app, "#response-status")
    shown = painted(app) + "\n" + _header_tab_text(app)
    if not app.is_running:
        return ["the app ended"]
    problems += [f"raw on screen: {line}" for line in raw_controls(shown)]
    if "Traceback" in shown:
        problems.append("a traceback on screen")
    if TOKEN in shown:
        problems.append("the token on screen")
    if fc.error is not None:
        sentence = status.strip().splitlines()[-1]
        problems += [f"{p}: {sentence!r}" for p in is_clear(sentence)]
        if not says_what_to_do(sentence):
            problems.append(f"says nothing to do: {sentence!r}")
    elif not status.startswith(f" {fc.status} "):
        problems.append(f"status {status!r}")
    if fc.fault == "bad-next-range":
        sent = len(faults.requests)
        await pilot.press("ctrl+n")
        await settle(pilot)
        after = text_of(app, "#response-status")
        if len(faults.requests) != sent:
            problems.append("ctrl+n sent a request")
        if not after.startswith("Not sent: ") or is_clear(after) or raw_controls(after):
            problems.append(f"ctrl+n said {after!r}")
    faults.default_fault = "ok"
    await send(pilot)
    if not text_of(app, "#response-status").startswith(" 200 OK"):
        problems.append(f"the next send: {text_of(app, '#response-status')!r}")
    statuses = [row.status for row in app.history.search()]
    if statuses[: len(statuses) - before] != [200, fc.status]:
        problems.append(f"history holds {statuses[: len(statuses) - before]}")
    return problems


@pytest.mark.parametrize("group", list(GROUPS))
async def test_every_case_on_screen_inert_in_history_and_the_next_send_works(
    spec: ApiSpec, faults: FaultServer, tmp_path: Path, group: str
) -> None:
    """Each case, then a healthy send, in one explorer per group: nothing raw painted
    (body, key headers, notifications, and the header table and what was sent in
    the Headers tab), an error's sentence
    is one clear line, the exchange is in history, the token is on screen and in no file,
    and the next send on the same client works. After the unreadable Next-Range, ctrl+n
    says one sentence and sends nothing."""
    timeout, cases = GROUPS[group]
    app = build(spec, faults.url, tmp_path, timeout=timeout)
    problems: dict[str, list[str]] = {}
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, "app.list")
        for fc in cases:
            found = await _try_case(pilot, app, faults, fc, timeout)
            if found:
                problems[fc.fault] = found
    assert problems == {}
    held = [p for p in tmp_path.rglob("*") if p.is_file() and TOKEN.encode() in p.read_bytes()]
    assert held == []


def test_the_groups_hold_every_case() -> None:
    grouped = [fc.fault for _, cases in GROUPS.values() for fc in cases]
    assert sorted([*grouped, "refused"]) == sorted(fc.fault for fc in FAULT_CASES)


async def test_gzip_bomb_note_says_the_body_was_cut_off(spec: ApiSpec, faults: FaultServer,
                                                        tmp_path: Path) -> None:
    faults.default_fault = "gzip-bomb"
    app = build(spec, faults.url, tmp_path, timeout=30)
    async with app.run_test(size=SIZE) as pilot:
        await start(pilot, "app.list")
        await send(pilot)
        view = app.screen.query_one("ResponseView")
        assert view.exchange.truncated and view.exchange.size == 256 * 2**20
        shown = painted(app)
        assert "cut off" in shown and "in all" not in shown, text_of(app, "#response-status")
