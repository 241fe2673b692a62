"""Faults through the REPL: one clear message, then the next line runs.

Representative faults (refused, 500 HTML, 429, the 50 MB body, reset, timeout, 401,
two_factor) are sent by a :class:`Session` over a real loopback connection to the fault
server; then the same faults run in one scripted REPL through prompt-toolkit's pipe
input, which must reach ``exit`` with every answer printed. Lines of random bytes never
end the REPL either. Then every case of :data:`tests.faults.cases.CASES`, the hostile
answers included: nothing raw reaches the terminal, an error is one clear line, the
exchange is in history, the token is nowhere, and the next line works; the gzip bomb is
spooled and cut at 256 MiB in bounded memory; ``next`` after an unreadable Next-Range
sends nothing.
"""

from __future__ import annotations

import asyncio
import io
import re
import tempfile
import time
import tracemalloc
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput

from heroku_explorer.client import Credentials, HerokuClient, History
from heroku_explorer.repl.app import run_repl
from heroku_explorer.repl.render import Console
from heroku_explorer.repl.session import Session
from heroku_explorer.schema import ApiSpec
from tests.faults import FaultServer, closed_port_url
from tests.faults.cases import CASES, FaultCase, case, is_clear, raw_controls, says_what_to_do

TOKEN = "tok-SECRET-4f1e9a"


@pytest.fixture(autouse=True)
def private_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Bodies over the display cap are spooled to the temp folder: keep them in tmp_path."""
    spool = tmp_path / "spool"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))



@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with FaultServer(max_stall=4.0) as server:
        yield server


def make_client(base: str, tmp_path: Path, timeout: float = 0.5) -> HerokuClient:
    return HerokuClient(base, Credentials(token=TOKEN), timeout=timeout,
                        history=History(tmp_path / "history.sqlite3"))


@pytest.fixture
async def session(spec: ApiSpec, faults: FaultServer,
                  tmp_path: Path) -> AsyncIterator[tuple[Session, io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    async with make_client(faults.url, tmp_path) as client:
        yield Session(spec, client, Console(out, err, color=False)), out, err


#: line -> what the message must say
FAULT_LINES = {
    "GET /html-500/apps": r"error: 500: The server hit an internal error",
    "GET /html-503/apps": r"error: 503: .*temporarily unavailable",
    "GET /rate-limit/apps": r"error: 429 rate limited: .*try again in 1 s",
    "GET /rate-limit-no-retry/apps": r"error: 429 rate limited: ",
    "GET /unauthorized/apps": r"error: 401 unauthorized: Invalid credentials",
    "GET /two-factor/apps": r"error: 403 two_factor: .*second",
    "GET /reset/apps":
        r"error: Could not reach the API: The connection to 127\.0\.0\.1:\d+ was closed",
    "GET /hang/apps": r"error: Timed out: 127\.0\.0\.1:\d+ did not answer within 0\.5 s",
}


def _messages(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("error:")]


@pytest.mark.parametrize("line", list(FAULT_LINES))
async def test_fault_is_one_message_and_the_repl_goes_on(
    session: tuple[Session, io.StringIO, io.StringIO], line: str
) -> None:
    repl, out, err = session
    assert await asyncio.wait_for(repl.run_line(line), 10) is False
    printed = out.getvalue() + err.getvalue()
    (message,) = _messages(printed)
    assert re.search(FAULT_LINES[line], message), message
    assert is_clear(message) == [], message
    assert says_what_to_do(message), message
    assert "Traceback" not in printed and TOKEN not in printed
    # the exchange is in history, and the next line works
    assert repl.client.history is not None
    assert repl.client.history.search(path=line.split()[1])
    assert await repl.run_line("GET /ok/apps") is True
    assert '"ok": true' in out.getvalue()


async def test_refused_is_one_message_and_the_repl_goes_on(spec: ApiSpec,
                                                          tmp_path: Path) -> None:
    out = io.StringIO()
    async with make_client(closed_port_url(), tmp_path) as client:
        repl = Session(spec, client, Console(out, out, color=False))
        assert await repl.run_line("app list") is False
        (message,) = _messages(out.getvalue())
        assert "refused" in message and says_what_to_do(message), message
        assert await repl.run_line("doc app") is True
        assert await repl.run_line("history") is True
        assert "/apps" in out.getvalue().split(message)[-1]  # the refused call is listed
    assert "Traceback" not in out.getvalue()


async def test_big_body_is_a_note_not_50_mb_of_output(spec: ApiSpec, faults: FaultServer,
                                                     tmp_path: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    # the timeout covers every byte of the 50 MB
    async with make_client(faults.url, tmp_path, timeout=20) as client:
        repl = Session(spec, client, Console(out, err, color=False))
        assert await asyncio.wait_for(repl.run_line("GET /big/apps"), 30) is True
        printed = out.getvalue() + err.getvalue()
        assert len(printed) < 10_000
        assert "52,428,800-byte body, too large to print" in printed
        assert await repl.run_line("body") is True  # asking for it again prints the note too
        assert len(out.getvalue()) < 20_000


@pytest.mark.parametrize(("line", "note"), [
    ("GET /invalid-json/apps", "not valid JSON"),
    ("GET /invalid-utf8/apps", "not valid UTF-8"),
])
async def test_bad_bodies_are_described(session: tuple[Session, io.StringIO, io.StringIO],
                                        line: str, note: str) -> None:
    repl, out, _err = session
    assert await repl.run_line(line) is True
    assert note in out.getvalue()


async def test_two_factor_retried_with_a_code(
    session: tuple[Session, io.StringIO, io.StringIO], faults: FaultServer
) -> None:
    repl, out, err = session
    assert await repl.run_line("POST /two-factor/apps name=x") is False
    assert "two_factor" in err.getvalue()
    assert await repl.run_line("POST /two-factor/apps name=x -H 'Heroku-Two-Factor-Code: 123456'")
    assert '"two_factor": "accepted"' in out.getvalue()
    assert faults.requests[-1].header("Heroku-Two-Factor-Code") == "123456"


async def test_a_scripted_repl_survives_every_fault(spec: ApiSpec, faults: FaultServer,
                                                    tmp_path: Path) -> None:
    """The prompt loop itself: faults one after the other, then ``exit``."""
    # The two-factor fault asks for a code: an empty answer skips the retry.
    faults_answered = [x for line in FAULT_LINES
                       for x in ([line, ""] if "two-factor" in line else [line])]
    lines = [*faults_answered, "GET /big/apps", "GET /invalid-utf8/apps", "GET /empty/apps",
             "GET /redirect/apps", "GET /ok/apps", "history", "exit"]
    out = io.StringIO()
    async with make_client(faults.url, tmp_path) as client:
        with create_pipe_input() as pipe:
            pipe.send_text("".join(line + "\r" for line in lines))
            code = await asyncio.wait_for(
                run_repl(spec, client, history_path=tmp_path / "repl_history", input=pipe,
                         output=DummyOutput(), stdout=out), 60)
    text = out.getvalue()
    assert code == 0
    assert len(_messages(text)) == len(FAULT_LINES)
    assert '"landed": true' in text and '"ok": true' in text
    assert "Traceback" not in text and TOKEN not in text
    assert TOKEN not in (tmp_path / "repl_history").read_text("utf-8", "replace")


@settings(max_examples=60, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(raw=st.binary(max_size=60) | st.sampled_from([
    b"\xff\xfe GET /apps", b"app \x00 list", b"GET /apps -H '\r\nX: y'", b"'unclosed",
    b"app info app=\xed\xa0\x80", b"--range 'name ]..[; max=9999'", b"\x1b[31mred",
    b"set app=" + b"a" * 300, b"app update app=x maintenance:=[[[[[[[[",
]))
def test_lines_of_random_bytes_never_end_the_repl(spec: ApiSpec, faults: FaultServer,
                                                  tmp_path: Path, raw: bytes) -> None:
    line = raw.decode("utf-8", "surrogateescape")  # what undecodable terminal input becomes
    out = io.StringIO()

    async def run() -> bool:
        async with HerokuClient(faults.url, Credentials(token=TOKEN), timeout=0.5) as client:
            repl = Session(spec, client, Console(out, out, color=False))
            ok = await asyncio.wait_for(repl.run_line(line), 10)
            assert await repl.run_line("help") is True  # and the next line runs
            return ok

    assert asyncio.run(run()) in (True, False)
    assert "Traceback" not in out.getvalue()


async def test_rate_limit_advice_can_be_followed(
    session: tuple[Session, io.StringIO, io.StringIO],
) -> None:
    import argparse

    from heroku_explorer.cli import build_parser
    from heroku_explorer.repl.docs import help_text

    repl, _out, err = session
    assert await repl.run_line("GET /rate-limit/apps") is False
    (message,) = _messages(err.getvalue())
    if "waiting turned on" in message:
        parser = build_parser()
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        offered = help_text() + parser.format_help() + "".join(
            p.format_help() for a in subs for p in a.choices.values())
        assert re.search(r"retry|--wait", offered, re.IGNORECASE), message
    assert message.lower().count("wait a few minutes") <= 1, message


async def test_two_factor_asks_for_a_code_and_retries(spec: ApiSpec, faults: FaultServer,
                                                      tmp_path: Path) -> None:
    out = io.StringIO()
    async with make_client(faults.url, tmp_path) as client:
        with create_pipe_input() as pipe:
            pipe.send_text("POST /two-factor/apps name=x\r424242\rexit\r")
            await asyncio.wait_for(
                run_repl(spec, client, history_path=None, input=pipe, output=DummyOutput(),
                         stdout=out), 30)
    retried = [r for r in faults.requests if r.path == "/two-factor/apps"]
    assert retried and retried[-1].header("Heroku-Two-Factor-Code") == "424242"
    assert '"two_factor": "accepted"' in out.getvalue()


# -- every fault case, the hostile answers included ------------------------------------------

#: The timeout of the cases that stall (a hang, a trickle): short, so the suite stays fast.
SHORT = 1.0


def _files_holding_token(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and TOKEN.encode() in p.read_bytes()]


def _base_and_path(fc: FaultCase, faults: FaultServer) -> tuple[str, str]:
    if fc.fault == "refused":
        return closed_port_url(), "/apps"
    return faults.url, f"/{fc.fault}/apps"


@pytest.mark.parametrize("fc", [pytest.param(fc, id=fc.fault) for fc in CASES])
async def test_every_case_is_inert_one_message_in_history_and_the_repl_goes_on(
    spec: ApiSpec, faults: FaultServer, tmp_path: Path, fc: FaultCase
) -> None:
    """What a terminal would get (the REPL's console is a terminal's: outside text made
    inert) holds no raw ESC, BEL, C1 or bidi override; an error is one clear line; the
    exchange is in history; the token is nowhere; the next line on the same client works
    (for ``refused``, whose port has no server, the REPL goes on to a session command)."""
    out, err = io.StringIO(), io.StringIO()
    base, path = _base_and_path(fc, faults)
    timeout = fc.timeout or SHORT
    async with make_client(base, tmp_path, timeout=timeout) as client:
        repl = Session(spec, client, Console(out, err, color=False))
        t0 = time.monotonic()
        ok = await asyncio.wait_for(repl.run_line(f"GET {path}"), 2 * timeout + 10)
        elapsed = time.monotonic() - t0
        printed = out.getvalue() + err.getvalue()
        assert ok is (fc.error is None), printed[-500:]
        messages = _messages(printed)
        if fc.error is not None:
            (message,) = messages
            assert is_clear(message) == [], message
            assert says_what_to_do(message), message
        else:
            assert messages == [], messages
        if fc.kind == "timeout":
            assert elapsed < timeout + 1.5, f"{elapsed:.1f} s for a {timeout} s timeout"
        assert raw_controls(printed) == []
        assert "Traceback" not in printed and TOKEN not in printed
        assert client.history is not None
        rows = client.history.search()
        assert [r.status for r in rows] == [fc.status], rows
        if fc.fault == "refused":
            assert await repl.run_line("doc app") is True
        else:
            assert await repl.run_line("GET /ok/apps") is True
            assert '"ok": true' in out.getvalue()
            assert client.history.search()[0].status == 200
    assert _files_holding_token(tmp_path) == []


_BOMB: dict[str, Any] = {}


async def _bomb(spec: ApiSpec, faults: FaultServer, tmp_path: Path) -> dict[str, Any]:
    """The gzip bomb through the REPL once, its memory traced (shared by two tests)."""
    if _BOMB:
        return _BOMB
    out, err = io.StringIO(), io.StringIO()
    async with make_client(faults.url, tmp_path, timeout=60) as client:
        repl = Session(spec, client, Console(out, err, color=False))
        tracemalloc.start()
        try:
            ok = await asyncio.wait_for(repl.run_line("GET /gzip-bomb/apps"), 120)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        exchange = repl.last
        assert exchange is not None and exchange.body_path is not None
        spooled = Path(exchange.body_path).stat().st_size
    _BOMB.update(ok=ok, peak=peak, spooled=spooled, exchange=exchange,
                 printed=out.getvalue() + err.getvalue())
    return _BOMB


async def test_gzip_bomb_is_spooled_and_cut_at_256_mib(spec: ApiSpec, faults: FaultServer,
                                                      tmp_path: Path) -> None:
    seen = await _bomb(spec, faults, tmp_path)
    exchange = seen["exchange"]
    assert seen["ok"] is True and exchange.truncated and exchange.size == 256 * 2**20
    assert seen["spooled"] == 256 * 2**20
    assert len(exchange.body) <= 2**20
    assert seen["peak"] < 20 * 2**20, f"traced peak {seen['peak'] / 2**20:.0f} MB"
    assert len(seen["printed"]) < 2_000 and raw_controls(seen["printed"]) == []


async def test_gzip_bomb_note_says_the_body_was_cut_off(spec: ApiSpec, faults: FaultServer,
                                                        tmp_path: Path) -> None:
    printed = (await _bomb(spec, faults, tmp_path))["printed"]
    assert "cut off" in printed and "the whole body is in" not in printed, printed


async def test_next_after_an_unreadable_next_range_is_one_sentence_and_sends_nothing(
    session: tuple[Session, io.StringIO, io.StringIO], faults: FaultServer
) -> None:
    repl, out, err = session
    assert await repl.run_line("GET /bad-next-range/apps") is True
    sent = len(faults.requests)
    assert await repl.run_line("next") is False
    assert len(faults.requests) == sent, "next sent a request"
    (message,) = _messages(err.getvalue())
    assert is_clear(message) == [], message
    assert raw_controls(out.getvalue() + err.getvalue()) == []
    assert await repl.run_line("GET /ok/apps") is True


async def test_next_after_an_unreadable_next_range_names_it(
    session: tuple[Session, io.StringIO, io.StringIO],
) -> None:
    repl, _out, err = session
    assert await repl.run_line("GET /bad-next-range/apps") is True
    assert await repl.run_line("next") is False
    (message,) = _messages(err.getvalue())
    assert "Next-Range" in message and "last page" not in message, message


async def test_a_scripted_repl_survives_every_hostile_answer(
    spec: ApiSpec, faults: FaultServer, tmp_path: Path
) -> None:
    """The prompt loop through pipe input: each hostile answer, then ``next`` after the
    unreadable Next-Range, ``headers`` after the OSC 52 one, then ``exit``."""
    hostile = [fc for fc in CASES[CASES.index(case("osc52-headers")):]
               if fc.fault != "gzip-bomb"]  # the bomb has its own tests above
    lines: list[str] = []
    for fc in hostile:
        lines.append(f"GET /{fc.fault}/apps")
        lines += {"bad-next-range": ["next"], "osc52-headers": ["headers", "status"]}.get(
            fc.fault, [])
    lines += ["GET /ok/apps", "history", "exit"]
    out = io.StringIO()
    async with make_client(faults.url, tmp_path, timeout=SHORT) as client:
        with create_pipe_input() as pipe:
            pipe.send_text("".join(line + "\r" for line in lines))
            code = await asyncio.wait_for(
                run_repl(spec, client, history_path=tmp_path / "repl_history", input=pipe,
                         output=DummyOutput(), stdout=out), 60)
    text = out.getvalue()
    assert code == 0
    failing = [fc for fc in hostile if fc.error is not None]
    assert len(_messages(text)) == len(failing) + 1  # and the `next`
    assert raw_controls(text) == [] and '"ok": true' in text
    assert "Traceback" not in text and TOKEN not in text
    assert _files_holding_token(tmp_path) == []
