from __future__ import annotations

from pathlib import Path

import pytest

from heroku_explorer.config import Config, default_config_path, load_config, unknown_bindings


def test_missing_file_gives_defaults(tmp_path: Path) -> None:
    assert load_config(tmp_path / "nope.toml") == (Config(), [])


def test_good_file(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('[general]\ntheme = "nord"\ntimeout = 5\nread_only = true\n'
                 '[keys]\nsend = "ctrl+s"\n')
    config, problems = load_config(p)
    assert problems == []
    assert config.theme == "nord" and config.timeout == 5.0 and config.read_only
    assert config.keys == {"send": "ctrl+s"}


def test_wrong_keys_and_types_are_reported_not_fatal(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('[general]\ncolour = "red"\ntimeout = "soon"\nhistory = 1\n'
                 '[extra]\na = 1\n[keys]\nsend = 3\n')
    config, problems = load_config(p)
    assert config == Config()
    text = "\n".join(problems)
    assert "general.colour" in text and "general.timeout" in text
    assert "general.history" in text and "[extra]" in text and "keys.send" in text


def test_broken_toml(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_bytes(b"[general\n\xff")
    config, problems = load_config(p)
    assert config == Config() and len(problems) == 1 and "using defaults" in problems[0]


def test_home_override(tmp_path: Path, monkeypatch: object) -> None:
    import pytest

    mp = pytest.MonkeyPatch()
    mp.setenv("HEROKU_EXPLORER_HOME", str(tmp_path))
    try:
        assert default_config_path() == tmp_path / "config" / "config.toml"
    finally:
        mp.undo()


def test_one_wrong_setting_keeps_the_others(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('[general]\ntheme = "nord"\ntimeout = 0\nread_only = "yes"\noffline = true\n'
                 'history = "full"\n[keys]\nsend = "ctrl+s"\nquit = "not a key!"\n')
    config, problems = load_config(p)
    assert config.theme == "nord" and config.offline and config.history == "full"
    assert config.timeout == Config().timeout and config.read_only is False
    assert config.keys == {"send": "ctrl+s"}
    assert len(problems) == 3
    text = "\n".join(problems)
    assert "general.timeout should be a number of seconds above 0" in text
    assert "general.read_only should be true or false" in text
    assert "keys.quit should be a key name" in text


@pytest.mark.parametrize("value", ["nan", "inf", "-1", "0", "86401", '"30"'])
def test_timeouts_out_of_range_are_refused(tmp_path: Path, value: str) -> None:
    p = tmp_path / "c.toml"
    p.write_text(f"[general]\ntimeout = {value}\n")
    config, problems = load_config(p)
    assert config.timeout == 30.0 and len(problems) == 1 and "general.timeout" in problems[0]


@pytest.mark.parametrize(("value", "mode"), [("true", "redacted"), ("false", "off"),
                                             ('"metadata"', "metadata"), ('"off"', "off")])
def test_history_modes(tmp_path: Path, value: str, mode: str) -> None:
    p = tmp_path / "c.toml"
    p.write_text(f"[general]\nhistory = {value}\n")
    assert load_config(p) == (Config(history=mode), [])


def test_hostile_names_are_shown_literally(tmp_path: Path) -> None:
    p = tmp_path / "c.toml"
    p.write_text('[general]\n"\\u001b]52;c;x\\u0007" = 1\n[keys]\n"\\u001b[2J" = 5\n'
                 '["\\u202eevil"]\na = 1\n')
    _, problems = load_config(p)
    assert len(problems) == 3
    for problem in problems:
        assert "\x1b" not in problem and "\u202e" not in problem and "\x07" not in problem


def test_unknown_binding_ids_are_named() -> None:
    out = unknown_bindings({"send": "f5", "snd": "f6", "\x1b[2J": "f7"}, {"send", "quit"})
    assert len(out) == 2
    assert any("keys.snd is not a key binding id" in line for line in out)
    assert all("\x1b" not in line for line in out)
