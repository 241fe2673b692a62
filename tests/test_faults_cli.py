"""Faults and bad input through the command line, as a person runs it.

``heroku-explorer call`` and ``heroku-explorer repl`` (script mode on stdin) run in this
process with a recognisable token in ``HEROKU_API_KEY``, against the fault server: one
``error:`` line on stderr, an exit status that says it failed, no traceback, no token.
Then the environment goes wrong: an unwritable data directory (the REPL runs and says
history is off), a config file with wrong keys, and broken schema files (one line, exit 2).
"""

from __future__ import annotations

import io
import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from heroku_explorer.cli import main
from tests.faults import FaultServer, closed_port_url
from tests.faults.cases import is_clear
from tests.faults.server import BIG_SIZE

TOKEN = "tok-SECRET-4f1e9a"
BUNDLED = Path(__file__).resolve().parent.parent / "heroku_explorer" / "schema" / "bundled"


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
