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
other users. No symbolic link is followed: a folder of ours that is a link, another
user's, or writable by others is refused (:func:`ensure_dir`), and so is a file
that is a link (:func:`atomic_write`, :func:`refuse_link`).
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
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
    "open_private",
    "refuse_link",
    "replace_in",
    "target_kind",
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


def open_private(path: Path, flags: int) -> int:
    """A file descriptor of ``path`` opened with ``flags`` without following a symbolic
    link, and made 0600. Refused (:class:`OSError`, one sentence) when ``path`` is a
    link, not a regular file, or another user's."""
    try:
        fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OSError(errno.ELOOP, f"{path} is a symbolic link, which is not followed",
                          str(path)) from None
        raise
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(errno.EINVAL, f"{path} is not a regular file", str(path))
        if info.st_uid != os.geteuid():
            raise OSError(errno.EPERM, f"{path} belongs to another user", str(path))
        if stat.S_IMODE(info.st_mode) != 0o600:
            os.fchmod(fd, 0o600)
    except BaseException:
        os.close(fd)
        raise
    return fd


def refuse_link(path: Path, *, must_exist: bool = False) -> None:
    """Raise :class:`OSError` (one sentence) when ``path`` is a symbolic link.

    A missing ``path`` is fine unless ``must_exist``.
    """
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        if must_exist:
            raise
        return
    if stat.S_ISLNK(info.st_mode):
        raise OSError(errno.ELOOP, f"{path} is a symbolic link, which is not followed",
                      str(path))


def ensure_dir(path: Path) -> Path:
    """Create ``path`` (and its parents) and make the leaf private (0700).

    The leaf, the folder heroku-explorer keeps its own files in, must be a real
    directory: a symbolic link is not followed, and one owned by another user, or
    that its group or others may write to, is refused (its files could be replaced
    under us). A leaf of ours that others may only read is made private. Raises
    :class:`OSError`, with a ``strerror`` that says why in a few words, when the
    directory cannot be created or is refused. Its parents are created if missing
    and may be links (``~/.local`` often is).
    """
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
    except FileExistsError:
        refuse_link(path)  # a dangling link where the folder should be
        raise
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            refuse_link(path)
        raise
    try:
        info = os.fstat(fd)
        if info.st_uid != os.geteuid():
            raise OSError(errno.EPERM, f"the folder {path} belongs to another user",
                          str(path))
        if info.st_mode & 0o022:
            raise OSError(errno.EPERM, f"other users may write to the folder {path}",
                          str(path))
        if info.st_mode & 0o077:
            with contextlib.suppress(OSError):
                os.fchmod(fd, 0o700)
    finally:
        os.close(fd)
    return path


def atomic_write(path: Path, data: bytes, *, mode: int = 0o600) -> None:
    """Write ``data`` to ``path`` in one step: a temporary file in the same folder,
    flushed, given ``mode``, then renamed over the target.

    A reader sees the old file or the new one, never a mix. No symbolic link is
    followed: the folder is checked by :func:`ensure_dir` and opened once, the
    temporary file is created in it with ``O_EXCL | O_NOFOLLOW``, and a target that is
    a symbolic link is refused (the file it points at is left alone). Raises
    :class:`OSError`.
    """
    ensure_dir(path.parent)
    dir_fd = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    try:
        if target_kind(dir_fd, path.name) == "link":
            raise OSError(errno.ELOOP, f"{path} is a symbolic link, which is not followed",
                          str(path))
        replace_in(dir_fd, path.name, data, mode=mode)
    finally:
        os.close(dir_fd)


def target_kind(dir_fd: int, name: str) -> str:
    """What ``name`` in the open folder ``dir_fd`` is, its links not followed:
    ``missing``, ``link``, ``folder`` or ``file`` (anything else)."""
    try:
        info = os.lstat(name, dir_fd=dir_fd)
    except FileNotFoundError:
        return "missing"
    if stat.S_ISLNK(info.st_mode):
        return "link"
    return "folder" if stat.S_ISDIR(info.st_mode) else "file"


def replace_in(dir_fd: int, name: str, data: bytes, *, mode: int = 0o600) -> None:
    """Put ``data`` in the file ``name`` of the open folder ``dir_fd`` in one step: a
    temporary file created there with ``O_EXCL | O_NOFOLLOW`` (mode 0600, then
    ``mode``), flushed to disk, then renamed over ``name``. Raises :class:`OSError`."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
    for _ in range(100):
        tmp = f".{name}.{secrets.token_hex(6)}.tmp"
        try:
            fd = os.open(tmp, flags, 0o600, dir_fd=dir_fd)
            break
        except FileExistsError:
            continue
    else:
        raise OSError(errno.EEXIST, "no free temporary name")
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, name, src_dir_fd=dir_fd, dst_dir_fd=dir_fd)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=dir_fd)
        raise
