"""Settings from ``config.toml`` in the user config directory.

::

    [general]
    theme = "textual-dark"     # any Textual theme name
    variant = "3"              # Accept variant: 3, 3.sdk, ...
    timeout = 30.0             # seconds
    read_only = false          # refuse every non-GET request
    history = true             # keep a history of exchanges on disk

    [keys]                     # binding id = key, to remap the explorer's keys
    send = "ctrl+s"

A file that cannot be parsed, unknown keys and values of the wrong type never stop
the app: the defaults stand in for what is wrong and :func:`load_config` returns one
plain sentence per problem for the front end to show.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

__all__ = ["CONFIG_NAME", "Config", "default_config_path", "load_config"]

CONFIG_NAME = "config.toml"


@dataclass(frozen=True, slots=True)
class Config:
    theme: str = "textual-dark"
    variant: str = "3"
    timeout: float = 30.0
    read_only: bool = False
    history: bool = True
    keys: dict[str, str] = field(default_factory=dict)


_GENERAL_TYPES: dict[str, tuple[type, ...]] = {
    "theme": (str,),
    "variant": (str,),
    "timeout": (int, float),
    "read_only": (bool,),
    "history": (bool,),
}


def default_config_path() -> Path:
    """``$HEROKU_EXPLORER_HOME/config/config.toml`` or the platform's config dir."""
    home = os.environ.get("HEROKU_EXPLORER_HOME")
    if home:
        return Path(home) / "config" / CONFIG_NAME
    from platformdirs import user_config_path

    return user_config_path("heroku-explorer", appauthor=False) / CONFIG_NAME


def _type_name(types: tuple[type, ...]) -> str:
    names = {bool: "true or false", str: "a string", int: "a number", float: "a number"}
    return " or ".join(dict.fromkeys(names[t] for t in types))


def load_config(path: Path | None = None) -> tuple[Config, list[str]]:
    """Read the config file; return the settings and the problems found in it."""
    path = path or default_config_path()
    problems: list[str] = []
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(), problems
    except OSError as exc:
        return Config(), [f"{path}: cannot read the config file ({exc.strerror}); using defaults"]
    import tomllib  # only when there is a file: most starts have none

    try:
        data: dict[str, Any] = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return Config(), [f"{path}: not valid TOML ({exc}); using defaults"]

    config = Config()
    known = {f.name for f in fields(Config)}
    for section, body in data.items():
        if section not in ("general", "keys"):
            problems.append(f"{path}: unknown section [{section}] ignored")
            continue
        if not isinstance(body, dict):
            problems.append(f"{path}: [{section}] should be a table; ignored")
            continue
        if section == "keys":
            keys = {}
            for binding, key in body.items():
                if isinstance(key, str) and key:
                    keys[binding] = key
                else:
                    problems.append(f"{path}: keys.{binding} should be a key name such as 'ctrl+s'")
            config = replace(config, keys=keys)
            continue
        for key, value in body.items():
            types = _GENERAL_TYPES.get(key)
            if types is None or key not in known:
                problems.append(f"{path}: unknown setting general.{key} ignored")
            elif (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
                problems.append(
                    f"{path}: general.{key} should be {_type_name(types)}; using the default"
                )
            elif key == "timeout":
                config = replace(config, timeout=float(value))  # type: ignore[arg-type]
            else:
                config = replace(config, **{key: value})  # type: ignore[arg-type]
    return config, problems
