"""Where heroku-explorer keeps its files, and how it writes them.

Three user directories, from platformdirs (``~/.config/heroku-explorer``,
``~/.local/share/heroku-explorer``, ``~/.cache/heroku-explorer`` on Linux)::

    config_dir()   settings (TOML)
    data_dir()     history database
    cache_dir()    the live schema and its ETag

``HEROKU_EXPLORER_HOME`` puts all three under one folder (``<home>/config``,
``<home>/data``, ``<home>/cache``): tests and portable installs use it.

Every directory is created with mode 0700 and every file written with
:func:`atomic_write` has mode 0600, so nothing lands half-written or readable by
other users.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

__all__ = [
    "APP_NAME",
    "HOME_ENV",
    "atomic_write",
    "cache_dir",
    "config_dir",
    "data_dir",
    "ensure_dir",
]

APP_NAME = "heroku-explorer"
HOME_ENV = "HEROKU_EXPLORER_HOME"


def _home(environ: Mapping[str, str] | None) -> Path | None:
    env = os.environ if environ is None else environ
    value = env.get(HOME_ENV)
    return Path(value).expanduser() if value else None


def config_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The settings directory (not created)."""
    home = _home(environ)
    if home is not None:
        return home / "config"
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The directory of the history database (not created)."""
    home = _home(environ)
    if home is not None:
        return home / "data"
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """The directory of cached downloads such as the live schema (not created)."""
    home = _home(environ)
    if home is not None:
        return home / "cache"
    import platformdirs

    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) and make the leaf private (0700).

    Raises :class:`OSError` when the directory cannot be created.
    """
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    return path


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` in one step: a temporary file in the same folder,
    flushed, given ``mode``, then renamed over the target.

    A reader sees the old file or the new one, never a mix. Raises :class:`OSError`.
    """
    ensure_dir(path.parent)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
