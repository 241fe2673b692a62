from __future__ import annotations

from pathlib import Path

from heroku_explorer.config import Config, default_config_path, load_config


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
