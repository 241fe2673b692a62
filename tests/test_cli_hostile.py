"""Hostile input through the command line: a schema, a config file and arguments
holding terminal escapes are shown literally; an unexpected error is one sentence
and a private log without the key; the explorer refuses to start without a terminal."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from heroku_explorer.cli import EXIT_UNEXPECTED, main
from heroku_explorer.crash import LOG_NAME
from heroku_explorer.safe_text import has_controls

ROOT = Path(__file__).resolve().parent.parent
WIDGETS = ROOT / "tests" / "fixtures" / "2013" / "widgets.json"
TOKEN = "tok-SECRET-hostile-8d2f"

# An OSC 52 clipboard write, a screen clear, a C1 CSI and a bidi override.
OSC52 = "\x1b]52;c;Y3VybCBldmlsIHwgc2g=\x07"
CLEAR = "\x1b[2J"
C1 = "\x9b31m"
BIDI = "\u202egnp.exe"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    monkeypatch.delenv("HEROKU_API_URL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    return tmp_path / "home"


def _raw_controls(text: str) -> bool:
    return has_controls(text, single_line=False)


def hostile_schema(tmp_path: Path) -> Path:
    doc: dict[str, Any] = json.loads(WIDGETS.read_text())
    resources = doc["resources"]
    gadget = resources.pop("Gadget")
    gadget["actions"][f"List{OSC52}"] = gadget["actions"].pop("List")
    gadget["actions"][f"Info{BIDI}"] = gadget["actions"].pop("Info")
    resources[f"Gadget{CLEAR}"] = gadget
    path = tmp_path / f"schema{C1}.json"
    path.write_text(json.dumps(doc))
    return path


def test_schema_tree_shows_outside_text_literally(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["schema", "--schema", str(hostile_schema(tmp_path))]) == 0
    out = capsys.readouterr().out
    assert not _raw_controls(out), [c for c in out if has_controls(c)]
    assert "Gadget\\x1b[2J" in out and "\\x1b]52;c;" in out and "\\x07" in out
    assert "\\u202e" in out


def test_schema_json_stays_json_and_inert(tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    from heroku_explorer.schema import load_path
    from heroku_explorer.schema.serialize import spec_to_dict

    path = hostile_schema(tmp_path)
    assert main(["schema", "--json", "--schema", str(path)]) == 0
    out = capsys.readouterr().out
    assert not _raw_controls(out)
    parsed = json.loads(out)
    expected = json.loads(json.dumps(spec_to_dict(load_path(str(path))), default=str))
    assert parsed == expected
    strings = set(_strings(parsed))
    assert f"List{OSC52}" in strings and f"Gadget{CLEAR}" in strings
    assert f"Info{BIDI}" in strings and any(C1 in x for x in strings)


def _strings(node: Any) -> Any:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield key
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)


def test_argument_errors_show_the_value_escaped(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["--schema-format", f"x{CLEAR}"], [f"cmd{OSC52}"], ["--timeout", f"1{C1}"],
                 ["repl", f"--bogus{BIDI}"]):
        with pytest.raises(SystemExit) as info:
            main(argv)
        assert info.value.code == 2
        err = capsys.readouterr().err
        assert not _raw_controls(err), (argv, err)
        assert "error:" in err and ("\\x" in err or "\\u202e" in err), (argv, err)


def test_argument_errors_never_repeat_the_key(monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (["schema", "--api-key", TOKEN], ["schema", f"--api-key={TOKEN}"],
                 ["schema", "--api-k", TOKEN]):
        with pytest.raises(SystemExit):
            main(argv)
        err = capsys.readouterr().err
        assert TOKEN not in err and "[REDACTED]" in err, err


def test_config_names_are_shown_escaped(_isolated: Path, capsys: pytest.CaptureFixture[str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    config = _isolated / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    # TOML strings hold controls as escapes; the parsed names hold the characters.
    config.write_text('[general]\n"colour\\u001b[2J" = 1\n["extra\\u001b]52"]\na = 1\n'
                      '[keys]\n"send\\u009b" = 3\n')
    monkeypatch.setattr("sys.stdin", io.StringIO("exit\n"))
    assert main(["repl"]) == 0
    err = capsys.readouterr().err
    assert "colour\\x1b[2J" in err and "extra\\x1b]52" in err and "send\\x9b" in err
    assert not _raw_controls(err)


def _boom(message: str) -> Any:
    async def run_call(*_args: Any, **_kw: Any) -> int:
        raise RuntimeError(message)

    return run_call


@pytest.mark.parametrize("source", ["env", "netrc", "argv"])
def test_an_unexpected_error_is_one_sentence_and_a_private_log(
    source: str, tmp_path: Path, _isolated: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["call", "--api-url", "http://127.0.0.1:9", "--schema", "bundled"]
    if source == "env":
        monkeypatch.setenv("HEROKU_API_KEY", TOKEN)
    elif source == "netrc":
        netrc = tmp_path / ".netrc"
        netrc.write_text(f"machine 127.0.0.1 login me password {TOKEN}\n")
        netrc.chmod(0o600)
    else:
        argv += ["--api-key", TOKEN]
    monkeypatch.setattr("heroku_explorer.repl.call.run_call",
                        _boom(f"the key {TOKEN} in {OSC52}"))
    assert main([*argv, "app", "list"]) == EXIT_UNEXPECTED
    err = capsys.readouterr().err
    log = _isolated / "data" / LOG_NAME
    lines = [x for x in err.splitlines() if "unexpected" in x]
    assert lines == [f"heroku-explorer: unexpected error: RuntimeError; details in {log}"]
    assert "Traceback" not in err and TOKEN not in err
    text = log.read_text()
    assert "Traceback" in text and "RuntimeError" in text and "[REDACTED]" in text
    assert TOKEN not in text
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700


def test_an_unexpected_error_when_the_log_cannot_be_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the data directory should be")
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(blocked))
    monkeypatch.setattr("heroku_explorer.repl.call.run_call", _boom("boom"))
    assert main(["call", "app", "list"]) == EXIT_UNEXPECTED
    err = capsys.readouterr().err
    assert "heroku-explorer: unexpected error: RuntimeError; the details could not be saved" \
        in err and "Traceback" not in err


def _run(args: list[str], **kw: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEROKU_EXPLORER_HOME": kw.pop("home"), "HOME": kw.pop("home_dir")}
    env.pop("HEROKU_API_KEY", None)
    env.pop("HEROKU_API_URL", None)
    return subprocess.run([sys.executable, "-m", "heroku_explorer", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=60, **kw)


@pytest.mark.parametrize("args", [[], ["tui"], ["--sandbox", "tui"]])
def test_the_explorer_without_a_terminal_refuses_at_once(args: list[str],
                                                         tmp_path: Path) -> None:
    with open(os.devnull) as null:
        done = _run(args, stdin=null, home=str(tmp_path / "home"), home_dir=str(tmp_path))
    assert done.returncode == 2
    assert done.stdout == ""
    (line,) = done.stderr.strip().splitlines()
    assert "terminal" in line and "heroku-explorer call" in line and "repl" in line
    assert not _raw_controls(done.stderr)


def test_error_sentences_show_outside_text_escaped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / f"no-such{OSC52}.json"
    assert main(["call", "--schema", str(missing), "app", "list"]) == 2
    err = capsys.readouterr().err
    (line,) = err.strip().splitlines()
    assert line.startswith("heroku-explorer: ") and "no-such\\x1b]52" in line
    assert not _raw_controls(err)
