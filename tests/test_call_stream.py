"""``call`` passes a body over the display cap on whole, as it arrives (like curl)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from heroku_explorer.repl.stream import StdoutSink
from tests.faults import FaultServer
from tests.faults.server import BIG_SIZE

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def faults() -> Iterator[FaultServer]:
    with FaultServer(max_stall=4.0) as server:
        yield server


@pytest.mark.parametrize("fault", ["big", "big-chunked"])
@pytest.mark.parametrize("json_flag", [[], ["--json"]], ids=["plain", "json"])
def test_a_large_body_reaches_a_file_whole(faults: FaultServer, tmp_path: Path, fault: str,
                                           json_flag: list[str]) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "HEROKU_EXPLORER_HOME": str(tmp_path / "h"),
           "HEROKU_API_KEY": "tok-stream-1", "TMPDIR": str(tmp_path)}
    env.pop("HEROKU_API_URL", None)
    target = tmp_path / "body.json"
    with target.open("wb") as fh:
        done = subprocess.run(
            [sys.executable, "-m", "heroku_explorer", "call", "--api-url", faults.url,
             "--timeout", "30", *json_flag, "GET", f"/{fault}/apps"],
            stdout=fh, stderr=subprocess.PIPE, env=env, cwd=ROOT, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    assert target.stat().st_size == BIG_SIZE
    with target.open("rb") as fh:
        assert fh.read(1) in (b"[", b"{")
    assert b"Traceback" not in done.stderr
    # Nothing was left behind: the body never went through a spool file.
    assert not [p for p in tmp_path.rglob("heroku-explorer-body-*")]


def test_small_bodies_are_held_and_large_ones_streamed() -> None:
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    sink = StdoutSink(out, 10, terminal=False)
    sink(b"12345")
    assert not sink.streamed
    sink(b"678901")
    sink(b"\x1b[2J")
    sink.finish()
    assert sink.streamed and sink.written == 15
    assert out.buffer.getvalue() == b"12345678901\x1b[2J"  # type: ignore[attr-defined]


def test_on_a_terminal_control_characters_are_made_visible() -> None:
    out = io.StringIO()
    sink = StdoutSink(out, 2, terminal=True)
    # A UTF-8 character cut between two chunks is decoded whole.
    for chunk in (b"ab\xc3", b"\xa9\x1b]52;c;eA==\x07"):
        sink(chunk)
    sink.finish()
    assert out.getvalue() == "ab\u00e9\\x1b]52;c;eA==\\x07"
