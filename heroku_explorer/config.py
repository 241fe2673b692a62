"""Settings from ``config.toml`` in the user config directory.

::

    [general]
    theme = "textual-dark"     # any Textual theme name
    variant = "3"              # Accept variant: 3, 3.sdk, ...
    timeout = 30.0             # seconds: a finite number above 0
    read_only = false          # refuse every non-GET request
    history = "redacted"       # exchanges kept on disk: "redacted" (secrets removed),
                               # "full", "metadata" (no bodies) or "off";
                               # true means "redacted", false "off"
    offline = false            # never fetch the public schema (the cached copy, else
                               # the bundled one, is used)

    [keys]                     # binding id = key, to remap the explorer's keys
    send = "ctrl+s"

A file that cannot be parsed, unknown keys and values of the wrong type never stop
the app: the defaults stand in for what is wrong and :func:`load_config` returns one
plain sentence per problem for the front end to show.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from heroku_explorer.safe_text import visible

__all__ = ["CONFIG_NAME", "HISTORY_MODES", "MAX_TIMEOUT", "Config", "default_config_path",
           "load_config", "timeout_problem"]

CONFIG_NAME = "config.toml"

#: What ``history`` may say; ``true``/``false`` stand for "redacted"/"off".
HISTORY_MODES = ("redacted", "full", "metadata", "off")

#: The longest timeout accepted, in seconds (one day).
MAX_TIMEOUT = 86400.0


def timeout_problem(value: float) -> str | None:
    """Why ``value`` cannot be a timeout in seconds, or ``None`` when it can."""
    if not math.isfinite(value) or value <= 0:
        return "a timeout is a number of seconds above 0"
    if value > MAX_TIMEOUT:
        return f"a timeout is at most {MAX_TIMEOUT:g} seconds (one day)"
    return None


@dataclass(frozen=True, slots=True)
class Config:
    theme: str = "textual-dark"
    variant: str = "3"
    timeout: float = 30.0
    read_only: bool = False
    history: str = "redacted"
    offline: bool = False
    keys: dict[str, str] = field(default_factory=dict)


_GENERAL_TYPES: dict[str, tuple[type, ...]] = {
    "theme": (str,),
    "variant": (str,),
    "timeout": (int, float),
    "read_only": (bool,),
    "history": (bool, str),
    "offline": (bool,),
}


def default_config_path() -> Path:
    """``$HEROKU_EXPLORER_HOME/config/config.toml`` or the platform's config dir."""
    home = os.environ.get("HEROKU_EXPLORER_HOME")
    if home:
        return Path(home) / "config" / CONFIG_NAME
    from platformdirs import user_config_path

    return user_config_path("heroku-explorer", appauthor=False) / CONFIG_NAME


def _shown(name: object) -> str:
    return visible(str(name), single_line=True)


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
            problems.append(f"{path}: unknown section [{_shown(section)}] ignored")
            continue
        if not isinstance(body, dict):
            problems.append(f"{path}: [{_shown(section)}] should be a table; ignored")
            continue
        if section == "keys":
            keys = {}
            for binding, key in body.items():
                if isinstance(key, str) and key:
                    keys[binding] = key
                else:
                    problems.append(f"{path}: keys.{_shown(binding)} should be a key name "
                                    "such as 'ctrl+s'")
            config = replace(config, keys=keys)
            continue
        for key, value in body.items():
            types = _GENERAL_TYPES.get(key)
            if types is None or key not in known:
                problems.append(f"{path}: unknown setting general.{_shown(key)} ignored")
            elif (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
                problems.append(
                    f"{path}: general.{key} should be {_type_name(types)}; using the default"
                )
            elif key == "timeout":
                problem = timeout_problem(float(value))  # type: ignore[arg-type]
                if problem is None:
                    config = replace(config, timeout=float(value))  # type: ignore[arg-type]
                else:
                    problems.append(f"{path}: general.timeout: {problem}; using the default")
            elif key == "history":
                mode = {True: "redacted", False: "off"}.get(value) if isinstance(
                    value, bool) else value
                if mode in HISTORY_MODES:
                    config = replace(config, history=mode)
                else:
                    problems.append(f"{path}: general.history should be one of "
                                    f"{', '.join(HISTORY_MODES)}; using redacted")
            else:
                config = replace(config, **{key: value})  # type: ignore[arg-type]
    return config, problems
