"""The composition root: mode, schema choice, read-only, and the CLI's exit codes."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from heroku_explorer.cli import build_parser, main
from heroku_explorer.runtime import SANDBOX_BASE_URL, prepare


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    monkeypatch.delenv("HEROKU_API_URL", raising=False)


def test_no_credentials_means_sandbox_said_plainly() -> None:
    setup = prepare(build_parser().parse_args(["repl"]))
    assert setup.mode == "SANDBOX" and setup.base_url == SANDBOX_BASE_URL
    assert any("sandbox mode" in n for n in setup.notices)
    assert setup.spec.source.origin.startswith("bundled:")


def test_netrc_and_env_mean_live(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine api.heroku.com\n  login me@example.com\n  password tok-netrc\n")
    netrc.chmod(0o600)
    args = build_parser().parse_args(["repl", "--schema", "bundled"])
    setup = prepare(args)
    assert setup.mode == "LIVE" and setup.base_url == "https://api.heroku.com"
    assert setup.credentials is not None and setup.credentials.source == "netrc"
    monkeypatch.setenv("HEROKU_API_KEY", "tok-env")
    setup = prepare(args)
    assert setup.credentials is not None and setup.credentials.source == "env"
    assert prepare(build_parser().parse_args(["repl", "--sandbox"])).mode == "SANDBOX"


@pytest.mark.usefixtures("online_schema")
def test_live_schema_is_bundled_at_once_and_its_fetch_fails_plainly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("HEROKU_API_KEY", "tok-env")
    setup = prepare(build_parser().parse_args(["repl", "--api-url", "http://127.0.0.1:1",
                                               "--timeout", "2"]))
    assert setup.mode == "LIVE"
    assert setup.spec.source.origin.startswith("bundled:")
    update = setup.schema_update
    assert update is not None and update.state == "idle"
    asyncio.run(update.run())
    assert update.state == "failed" and update.message is not None
    assert "refused" in update.message and "tok-env" not in update.message
    assert not any("tok-env" in n for n in setup.notices)


def test_call_on_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "app", "list", "--json"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("[{") and '"name"' in out
    assert main(["call", "app", "info", "app=no-such-app"]) != 0


def test_read_only_refuses_writes_plainly(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["call", "--read-only", "app", "create", "name=ro-test"]) != 0
    err = capsys.readouterr().err
    assert "read-only mode" in err.lower() and "Traceback" not in err
    assert main(["call", "--read-only", "app", "list", "--json"]) == 0


def test_bad_schema_file_exits_2_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "cut.json"
    bad.write_text('{"resources": {"App": {"actions": {')
    assert main(["call", "--schema", str(bad), "app", "list"]) == 2
    err = capsys.readouterr().err
    assert "cut.json" in err and "--lenient" in err and "Traceback" not in err


def test_timeout_comes_from_the_option_then_the_config(tmp_path: Path) -> None:
    config = tmp_path / "home" / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("[general]\ntimeout = 7\n")
    assert prepare(build_parser().parse_args(["repl"])).timeout == 7.0
    assert prepare(build_parser().parse_args(["repl", "--timeout", "30"])).timeout == 30.0
