"""Command-line options: one meaning wherever they stand, checked limits, --yes and
--no-history wired through to what they control."""

from __future__ import annotations

import argparse
import io
import math
from pathlib import Path
from typing import Any

import pytest

from heroku_explorer import cli
from heroku_explorer.cli import build_parser, main
from heroku_explorer.config import load_config
from heroku_explorer.runtime import prepare

#: Options that belong to one command only (not shared with the main parser).
OWN_OPTIONS = {"call": {"-v", "--verbose", "--json", "--yes", "--all", "--max-pages",
                        "--dry-run", "--if-match", "--if-none-match", "--body", "--jq",
                        "--check"},
               "schema": {"--json", "--source", "--update", "--diff", "--openapi"},
               "tui": set(), "repl": {"--yes"}, "history": {"--har", "--last"},
               "logs": {"--tail", "--num", "-n", "--dyno", "--source"},
               "learn": set(), "web": {"--port", "--host", "--open", "--live"}}

#: A value for the options whose type refuses an arbitrary word.
SAMPLES = {"timeout": "7.5", "api_url": "https://api.example.com"}


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.netrc
    monkeypatch.delenv("HEROKU_API_KEY", raising=False)
    monkeypatch.delenv("HEROKU_API_URL", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


def _shared_options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions
            if a.option_strings
            and not isinstance(a, argparse._HelpAction | argparse._VersionAction)]


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {name: p for name, p in sub.choices.items() if name != "sandbox"}


def _words(action: argparse.Action) -> list[str]:
    """The option and a value for it that differs from its default."""
    if action.nargs == 0:
        return [action.option_strings[-1]]
    if action.choices:
        return [action.option_strings[-1], str(list(action.choices)[-1])]
    return [action.option_strings[-1], SAMPLES.get(action.dest, "sample-value")]


def _meaning(argv: list[str]) -> dict[str, Any]:
    values = vars(build_parser().parse_args(argv))
    values.pop("command")
    return values


def test_every_option_means_the_same_before_and_after_every_command() -> None:
    parser = build_parser()
    shared = _shared_options(parser)
    assert len(shared) >= 11
    checked = 0
    for action in shared:
        words = _words(action)
        bare = _meaning(words)
        assert bare[action.dest] != action.default, (action.dest, bare[action.dest])
        # The bare command is the explorer: `heroku-explorer OPT` == `heroku-explorer tui OPT`.
        assert bare == _meaning(["tui", *words]), action.dest
        for name, sub in _subparsers(parser).items():
            if words[0] not in sub._option_string_actions:
                continue
            before, after = _meaning([*words, name]), _meaning([name, *words])
            assert before == after, (action.dest, name, before, after)
            assert before[action.dest] == bare[action.dest]
            checked += 1
    assert checked >= 3 * len(shared)


def test_every_shared_option_is_on_the_main_parser_and_the_front_ends() -> None:
    parser = build_parser()
    main_strings = set(parser._option_string_actions) - {"--version"}
    for name, sub in _subparsers(parser).items():
        own = set(sub._option_string_actions) - main_strings
        assert own == OWN_OPTIONS[name], (name, own)
        if name in ("tui", "repl", "call", "learn"):
            assert main_strings <= set(sub._option_string_actions), name


def test_an_option_before_the_command_is_not_replaced_by_its_default() -> None:
    args = build_parser().parse_args(["--read-only", "--no-history", "--timeout", "3", "call",
                                      "app", "delete", "app=x"])
    assert args.read_only and args.no_history and args.timeout == 3.0
    assert args.words == ["app", "delete", "app=x"]
    # Nothing given anywhere: the main parser's defaults stand.
    assert _meaning(["call"]) == {**_meaning([]), "verbose": False, "json": False,
                                  "yes": False, "words": [], "all": False, "max_pages": None,
                                  "dry_run": False, "if_match": None, "if_none_match": None,
                                  "body": None, "jq": None, "check": False}


def test_read_only_before_call_refuses_the_write(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--read-only", "call", "app", "create", "name=ro-before"]) != 0
    err = capsys.readouterr().err
    assert "read-only mode" in err.lower() and "Traceback" not in err
    assert main(["call", "app", "info", "app=ro-before", "--json"]) == 1  # never created


@pytest.mark.parametrize("value", ["-1", "0", "nan", "1e309", "inf", "-inf", "soon", "86401"])
@pytest.mark.parametrize("before", [True, False])
def test_bad_timeouts_are_refused_in_one_sentence(
    value: str, before: bool, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["--timeout", value, "call", "app", "list"] if before else [
        "call", "--timeout", value, "app", "list"]
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    err = capsys.readouterr().err
    (line,) = [x for x in err.splitlines() if "error:" in x]
    assert "--timeout" in line and "Traceback" not in err


@pytest.mark.parametrize("value", ["-1", "0", "nan", "inf", "1e309", "-inf"])
def test_bad_config_timeouts_fall_back_to_the_default(tmp_path: Path, value: str) -> None:
    path = tmp_path / "c.toml"
    path.write_text(f"[general]\ntimeout = {value}\n")
    config, problems = load_config(path)
    assert config.timeout == 30.0 and math.isfinite(config.timeout)
    assert len(problems) == 1 and "general.timeout" in problems[0]


def test_good_timeouts_pass() -> None:
    assert build_parser().parse_args(["--timeout", "0.25"]).timeout == 0.25
    assert build_parser().parse_args(["repl", "--timeout", "86400"]).timeout == 86400.0


def test_call_passes_yes_on(monkeypatch: pytest.MonkeyPatch) -> None:
    from heroku_explorer.repl import call

    seen: list[bool] = []
    real = call.run_call

    async def recording(*args: Any, **kw: Any) -> int:
        seen.append(kw["yes"])
        return await real(*args, **kw)

    monkeypatch.setattr(call, "run_call", recording)
    assert main(["call", "--yes", "app", "list", "--json"]) == 0
    assert main(["call", "app", "list", "--json"]) == 0
    assert seen == [True, False]


def test_history_setting_and_no_history(tmp_path: Path) -> None:
    config = tmp_path / "home" / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    for setting, mode in (('"full"', "full"), ('"metadata"', "metadata"), ("true", "redacted"),
                          ('"redacted"', "redacted")):
        config.write_text(f"[general]\nhistory = {setting}\n")
        setup = prepare(build_parser().parse_args(["repl"]))
        assert setup.history_mode == mode
        history = setup.history
        assert history is not None and history.mode == mode
        setup.close()
        no = prepare(build_parser().parse_args(["--no-history", "repl"]))
        assert no.history_mode == "off" and no.history is None
    for setting in ('"off"', "false"):
        config.write_text(f"[general]\nhistory = {setting}\n")
        setup = prepare(build_parser().parse_args(["repl"]))
        assert setup.history_mode == "off" and setup.history is None
        assert not any("History" in n for n in setup.notices)


def test_unknown_history_setting_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "c.toml"
    path.write_text('[general]\nhistory = "everything"\n')
    config, problems = load_config(path)
    assert config.history == "redacted"
    assert len(problems) == 1 and "general.history" in problems[0] and "off" in problems[0]


@pytest.mark.parametrize("flag", [[], ["--no-history"]])
def test_no_history_leaves_no_file_from_the_repl(
    flag: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("app list\nexit\n"))
    assert main(["repl", *flag]) == 0
    data = tmp_path / "home" / "data"
    files = sorted(p.name for p in data.glob("*")) if data.exists() else []
    if flag:
        assert files == [], files
    else:
        assert any(f.startswith("history") for f in files), files
    assert '"name"' in capsys.readouterr().out


def test_help_lists_the_exit_statuses(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for code in ("0 ", "1 ", "2 ", "3 ", f"{cli.EXIT_UNEXPECTED} ", "130"):
        assert f"  {code}" in out, code
    assert "last-error.log" in out and "chmod 600 ~/.netrc" in out
