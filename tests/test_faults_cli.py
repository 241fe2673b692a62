"""Faults and bad input through the command line, as a person runs it.

``heroku-explorer call`` and ``heroku-explorer repl`` (script mode on stdin) run in this
process with a recognisable token in ``HEROKU_API_KEY``, against the fault server: one
``error:`` line on stderr, an exit status that says it failed, no traceback, no token.
Then the environment goes wrong: an unwritable data directory (the REPL runs and says
history is off), a config file with wrong keys, and broken schema files (one line, exit 2).
Last, every case of :data:`tests.faults.cases.CASES` through ``call``, stdout a terminal
and then a pipe, and the 1 GiB gzip bomb streamed whole through a real pipe.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from heroku_explorer.cli import main
from tests.faults import FaultServer, closed_port_url
from tests.faults.cases import CASES, FaultCase, is_clear, raw_controls
from tests.faults.server import BIG_SIZE, BOMB_SIZE, ESCAPES, OSC52

TOKEN = "tok-SECRET-4f1e9a"
ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "heroku_explorer" / "schema" / "bundled"


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


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HEROKU_API_KEY", TOKEN)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc of the person running the tests
    monkeypatch.delenv("HEROKU_API_URL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path / "home"


def _files_hold_token(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() and TOKEN.encode() in p.read_bytes()]


CALLS = {
    # fault: (exit status is 0, what stderr says)
    "ok": (True, None),
    "html-500": (False, "error: 500: The server hit an internal error"),
    "rate-limit": (False, "error: 429 rate limited"),
    "unauthorized": (False, "error: 401 unauthorized"),
    "two-factor": (False, "error: 403 two_factor"),
    "hang": (False, "error: Timed out"),
    "reset": (False, "error: Could not reach the API: The connection"),
    "invalid-json": (True, None),
    "invalid-utf8": (True, None),
    "big": (True, None),
}


@pytest.mark.parametrize("fault", list(CALLS))
def test_call_prints_one_line_and_exits_with_a_status(
    faults: FaultServer, home: Path, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    ok, says = CALLS[fault]
    timeout = "10" if fault == "big" else "0.5"  # the timeout covers every byte of 50 MB
    code = main(["call", "--api-url", faults.url, "--timeout", timeout, "GET", f"/{fault}/apps"])
    out, err = capsys.readouterr()
    assert (code == 0) is ok, (code, err)
    if says is not None:
        errors = [line for line in err.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and errors[0].startswith(says), err
        assert is_clear(errors[0]) == []
    else:
        assert "error:" not in err
    assert "Traceback" not in out + err and TOKEN not in out + err
    if fault == "big":
        # Like curl, call passes a body over the display cap on whole, as it arrives.
        assert len(out.encode()) == BIG_SIZE
        assert out.startswith(("[", "{")) and "too large" not in out
    assert _files_hold_token(home) == []


def test_call_refused(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["call", "--api-url", closed_port_url(), "--schema", "bundled", "app", "list"])
    _out, err = capsys.readouterr()
    assert code != 0
    (line,) = err.strip().splitlines()
    assert line.startswith("error: Could not reach the API:") and "refused" in line, line


def _run_repl(lines: list[str], argv: list[str], monkeypatch: pytest.MonkeyPatch,
              capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
    code = main(["repl", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_repl_script_goes_on_after_every_fault(faults: FaultServer, home: Path,
                                               monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    lines = [f"GET /{fault}/apps" for fault in CALLS] + ["history", "exit"]
    code, out, err = _run_repl(lines, ["--api-url", faults.url, "--timeout", "0.5"],
                               monkeypatch, capsys)
    assert code == 1  # some lines failed
    failures = [f for f, (ok, _) in CALLS.items() if not ok]
    assert len([x for x in err.splitlines() if x.startswith("error:")]) == len(failures)
    assert out.count('"ok": true') == 1 and "too large to print" in out
    assert "Traceback" not in out + err and TOKEN not in out + err
    assert "/ok/apps" in out.split("too large to print")[-1]  # history listed them all
    assert _files_hold_token(home) == []


def test_unwritable_data_directory_history_is_off(
    faults: FaultServer, tmp_path: Path, home: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data directory should be")
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(blocked))
    code, out, err = _run_repl(["GET /ok/apps", "GET /html-500/apps", "GET /ok/apps", "exit"],
                               ["--api-url", faults.url], monkeypatch, capsys)
    assert "History is off" in err, err
    assert out.count('"ok": true') == 2 and "error: 500" in err
    assert code == 1 and "Traceback" not in out + err


def test_config_with_wrong_keys_is_reported_not_fatal(
    faults: FaultServer, home: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text('[general]\ncolour = "red"\ntimeout = "soon"\n[keys]\nsend = 3\n'
                      "[nonsense]\nx = 1\n")
    code, out, err = _run_repl(["GET /ok/apps", "exit"], ["--api-url", faults.url],
                               monkeypatch, capsys)
    assert code == 0 and '"ok": true' in out
    for what in ("general.colour", "general.timeout", "keys.send", "[nonsense]"):
        assert what in err, err
    assert "Traceback" not in out + err


def _schema_files(tmp: Path) -> dict[str, Path]:
    seed = (BUNDLED / "resources-2013.json").read_bytes()
    made = {
        "malformed": b'{"resources": {"App": [1, 2, }}',
        "cut-off": seed[: len(seed) // 2],
        "binary": bytes(range(256)) * 16,
        "empty": b"",
        "deeply-nested": b"[" * 100_000 + b"]" * 100_000,
        "utf-16": json.dumps({"resources": {}}).encode("utf-16"),
        "not-a-schema": b"[1, 2, 3]",
        "enormous": b'{"resources": {"R": {"description": "' + b"x" * (40 * 2**20) + b'"}}}',
    }
    files = {}
    for name, data in made.items():
        path = tmp / f"{name}.json"
        path.write_bytes(data)
        files[name] = path
    return files


SCHEMA_SAYS = {
    "malformed": "line 1, column",
    "cut-off": "cut off",
    "binary": "binary",
    "empty": "empty",
    "deeply-nested": "nested too deeply",
    "utf-16": "UTF-16",
    "not-a-schema": "not a Heroku schema",
    "enormous": "MB",
}


def test_broken_schema_files_are_one_line(tmp_path: Path, home: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    files = _schema_files(tmp_path)
    for name, path in files.items():
        code = main(["schema", "--schema", str(path)])
        out, err = capsys.readouterr()
        assert code == 2, (name, code, out[:200])
        (line,) = err.strip().splitlines()
        assert line.startswith(f"heroku-explorer: {path}"), line
        assert SCHEMA_SAYS[name] in line, line
        assert is_clear(line) == [], line
        assert "Traceback" not in err


# -- every fault case through call -------------------------------------------------------------


class Terminal(io.StringIO):
    """A stream that says it is a terminal: call makes outside text inert for it."""

    def isatty(self) -> bool:
        return True


class Pipe(io.StringIO):
    """A stream that says it is no terminal (``call ... | jq``): bodies go as received."""

    def isatty(self) -> bool:
        return False


def _target(fc: FaultCase, faults: FaultServer) -> tuple[str, str]:
    if fc.fault == "refused":
        return closed_port_url(), "/apps"
    return faults.url, f"/{fc.fault}/apps"


def _exit_status(fc: FaultCase) -> int:
    if fc.error is None:
        return 0
    return 3 if fc.status is None else 1


def _history_statuses() -> list[int | None]:
    from heroku_explorer.client import History
    from heroku_explorer.client.history import HISTORY_FILE
    from heroku_explorer.paths import data_dir

    return [row.status for row in History(data_dir() / HISTORY_FILE).search()]


def _call(monkeypatch: pytest.MonkeyPatch, out: io.StringIO, err: io.StringIO,
          argv: list[str]) -> int:
    with monkeypatch.context() as patch:
        patch.setattr(sys, "stdout", out)
        patch.setattr(sys, "stderr", err)
        return main(argv)


# The bomb is 1 GiB: on a terminal that is 4 GiB of visible \x00 escapes in memory here,
# so it runs once below, in a subprocess whose stdout is a real pipe.
EVERY_CASE = [pytest.param(fc, id=fc.fault) for fc in CASES if fc.fault != "gzip-bomb"]


@pytest.mark.parametrize("fc", EVERY_CASE)
def test_every_case_through_call_on_a_terminal(
    faults: FaultServer, home: Path, monkeypatch: pytest.MonkeyPatch, fc: FaultCase
) -> None:
    """stdout and stderr are terminals: nothing raw on either, one clear ``error:`` line
    for an error, the exit status says what happened, the exchange is in history, the
    token is nowhere, and the next call works (``refused``: its port has no server)."""
    url, path = _target(fc, faults)
    timeout = str(fc.timeout or 1.0)
    out, err = Terminal(), Terminal()
    code = _call(monkeypatch, out, err, ["call", "--api-url", url, "--timeout", timeout,
                                         "GET", path])
    printed = out.getvalue() + err.getvalue()
    assert code == _exit_status(fc), (code, err.getvalue())
    errors = [line for line in err.getvalue().splitlines() if line.startswith("error:")]
    if fc.error is not None:
        (line,) = errors
        assert is_clear(line) == [], line
    else:
        assert errors == [], errors
    assert raw_controls(printed) == []
    assert "Traceback" not in printed and TOKEN not in printed
    assert _history_statuses() == [fc.status]
    again = Terminal()
    assert _call(monkeypatch, again, Terminal(),
                 ["call", "--api-url", faults.url, "GET", "/ok/apps"]) == 0
    assert '"ok": true' in again.getvalue()
    assert _files_hold_token(home) == []


#: The bodies of the hostile answers, as the fault server sends them.
AS_SENT = {
    "text-escapes": f"plain text {ESCAPES}\n{OSC52}\r\nthe end\n",
}


@pytest.mark.parametrize("fc", [p for p in EVERY_CASE
                                if p.values[0].body_state in ("text", "json")])
def test_every_case_through_call_into_a_pipe(
    faults: FaultServer, home: Path, monkeypatch: pytest.MonkeyPatch, fc: FaultCase
) -> None:
    """stdout is a pipe: the body goes on as received (a text body byte for byte, JSON
    as the same data); stderr, a terminal, gets nothing raw."""
    url, path = _target(fc, faults)
    out, err = Pipe(), Terminal()
    code = _call(monkeypatch, out, err, ["call", "--api-url", url, "--timeout",
                                         str(fc.timeout or 1.0), "GET", path])
    assert code == _exit_status(fc), (code, err.getvalue())
    assert raw_controls(err.getvalue()) == [] and "Traceback" not in err.getvalue()
    body = out.getvalue()
    assert TOKEN not in body + err.getvalue()
    if fc.error is not None:
        # An error's body goes to stdout too, as HTTPie prints it; nothing raw on stderr.
        if fc.body_state == "json":
            assert json.loads(body) is not None
    elif fc.fault in AS_SENT:
        assert body == AS_SENT[fc.fault]
        assert raw_controls(body), "the piped body lost its escapes"
    elif fc.fault == "echo-token":
        assert "[REDACTED]" in body  # the echoed token is removed, the rest as received
    elif fc.body_state == "json":
        assert json.loads(body) is not None


WRAPPER = textwrap.dedent("""
    import sys
    from heroku_explorer.cli import main
    code = main(sys.argv[1:])
    with open("/proc/self/status") as status:
        peak = [line.split()[1] for line in status if line.startswith("VmHWM:")]
    sys.stderr.write(f"peak-kb {peak[0] if peak else 0}\\n")
    raise SystemExit(code)
""")


def test_gzip_bomb_through_call_streams_every_byte_into_a_pipe(
    faults: FaultServer, home: Path, tmp_path: Path
) -> None:
    """``call`` passes the whole 1 GiB on as it inflates, through a real pipe, in bounded
    memory; the exchange is in history and the token in no file."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path / "spool"),
           "HEROKU_EXPLORER_HOME": str(home), "HEROKU_API_KEY": TOKEN, "NO_COLOR": "1",
           "HOME": str(tmp_path)}
    env.pop("HEROKU_API_URL", None)
    with (tmp_path / "stderr").open("wb") as stderr:
        child = subprocess.Popen(
            [sys.executable, "-c", WRAPPER, "call", "--api-url", faults.url, "--timeout", "60",
             "GET", "/gzip-bomb/apps"], stdout=subprocess.PIPE, stderr=stderr, env=env,
            cwd=ROOT)
        assert child.stdout is not None
        size, nonzero = 0, 0
        while chunk := child.stdout.read(1 << 20):
            size += len(chunk)
            nonzero += len(chunk) - chunk.count(0)
        code = child.wait(60)
    err = (tmp_path / "stderr").read_text()
    assert code == 0, err[-2000:]
    assert size == BOMB_SIZE and nonzero == 0, (size, nonzero)
    assert "Traceback" not in err and TOKEN not in err
    assert [line for line in err.splitlines() if line.startswith("error:")] == []
    peak_mb = int(err.split("peak-kb ")[-1].split()[0]) / 1024
    assert 0 < peak_mb < 150, f"call peaked at {peak_mb:.0f} MB for a 1 GiB body"
    from heroku_explorer.client import History
    from heroku_explorer.client.history import HISTORY_FILE

    rows = History(home / "data" / HISTORY_FILE).search()
    assert [r.status for r in rows] == [200], rows
    assert _files_hold_token(home) == []
