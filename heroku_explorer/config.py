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
from collections.abc import Mapping, Set
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from heroku_explorer.safe_text import visible

__all__ = ["CONFIG_NAME", "HISTORY_MODES", "MAX_TIMEOUT", "Config", "default_config_path",
           "load_config", "timeout_problem", "unknown_bindings"]

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


def _general_types() -> dict[str, Any]:
    """The type each ``[general]`` setting is decoded into; ``Meta.description`` is
    what a wrong value is told it should be."""
    from typing import Annotated, Literal

    from msgspec import Meta

    return {
        "theme": Annotated[str, Meta(min_length=1, description="a theme name")],
        "variant": Annotated[str, Meta(min_length=1, description="a variant such as '3'")],
        "timeout": Annotated[float, Meta(gt=0, le=MAX_TIMEOUT, description=(
            f"a number of seconds above 0 and at most {MAX_TIMEOUT:g} (one day)"))],
        "read_only": Annotated[bool, Meta(description="true or false")],
        "history": Annotated[bool | Literal[HISTORY_MODES], Meta(
            description="one of " + ", ".join(HISTORY_MODES) + " (or true / false)")],
        "offline": Annotated[bool, Meta(description="true or false")],
    }


#: A key name as Textual spells it: ``ctrl+s``, ``f5``, ``ctrl+shift+left``, ``slash``.
_KEY_PATTERN = r"^[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*(,[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*)*$"


def default_config_path() -> Path:
    """``$HEROKU_EXPLORER_HOME/config/config.toml`` or the platform's config dir."""
    home = os.environ.get("HEROKU_EXPLORER_HOME")
    if home:
        return Path(home) / "config" / CONFIG_NAME
    from platformdirs import user_config_path

    return user_config_path("heroku-explorer", appauthor=False) / CONFIG_NAME


def _shown(name: object) -> str:
    return visible(str(name), single_line=True)


def load_config(path: Path | None = None) -> tuple[Config, list[str]]:
    """Read the config file; return the settings and the problems found in it.

    msgspec decodes and checks each setting against its declared type; a wrong or
    unknown one is named in a problem and the default stands in for it alone.
    """
    path = path or default_config_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Config(), []
    except OSError as exc:
        return Config(), [f"{path}: cannot read the config file ({exc.strerror}); using defaults"]
    import msgspec  # only when there is a file: most starts have none

    try:
        data = msgspec.toml.decode(raw)
    except (msgspec.DecodeError, UnicodeDecodeError) as exc:
        return Config(), [f"{path}: not valid TOML ({_shown(exc)}); using defaults"]
    if not isinstance(data, dict):  # pragma: no cover - TOML documents are tables
        return Config(), [f"{path}: not a TOML table; using defaults"]

    problems: list[str] = []
    settings: dict[str, Any] = {}
    for section, body in data.items():
        if section not in ("general", "keys"):
            problems.append(f"{path}: unknown section [{_shown(section)}] ignored")
        elif not isinstance(body, dict):
            problems.append(f"{path}: [{_shown(section)}] should be a table; ignored")
        elif section == "keys":
            settings["keys"] = _keys(path, body, problems)
        else:
            settings.update(_general(path, body, problems))
    return msgspec.convert(settings, Config), problems


def _general(path: Path, body: dict[str, Any], problems: list[str]) -> dict[str, Any]:
    import msgspec

    types = _general_types()
    out: dict[str, Any] = {}
    for key, value in body.items():
        kind = types.get(key)
        if kind is None:
            problems.append(f"{path}: unknown setting general.{_shown(key)} ignored")
            continue
        try:
            decoded = msgspec.convert(value, kind)
        except msgspec.ValidationError:
            should = kind.__metadata__[0].description
            problems.append(f"{path}: general.{key} should be {should}; using the default")
            continue
        if key == "history" and isinstance(decoded, bool):
            decoded = "redacted" if decoded else "off"
        out[key] = decoded
    return out


def _keys(path: Path, body: dict[str, Any], problems: list[str]) -> dict[str, str]:
    from typing import Annotated

    import msgspec

    key_name = Annotated[str, msgspec.Meta(pattern=_KEY_PATTERN)]
    keys: dict[str, str] = {}
    for binding, key in body.items():
        try:
            keys[binding] = msgspec.convert(key, key_name)
        except msgspec.ValidationError:
            problems.append(f"{path}: keys.{_shown(binding)} should be a key name "
                            "such as 'ctrl+s' or 'f5'; ignored")
    return keys


def unknown_bindings(keys: Mapping[str, str], known: Set[str]) -> list[str]:
    """One sentence per ``[keys]`` id that names no key binding of the front end."""
    return [f"config: keys.{_shown(binding)} is not a key binding id; ignored "
            "(the README lists the ids)" for binding in sorted(set(keys) - set(known))]
