"""Files the explorer writes for the person: a saved body, a screenshot, a body
edited in ``$EDITOR``, the theme kept in the config file.

None of this draws anything: the app and its widgets call it and say the result
in one sentence. A saved file is written atomically with mode 0600 (a temporary
file in the same folder, renamed over the target; a symbolic link is never
followed). A saved body is the body as received: it is the person's own file, and
a body the history had to redact is saved as the history holds it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from heroku_explorer.paths import replace_in, target_kind

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["EditResult", "edit_json", "save_file", "save_theme", "screenshot_dir"]


def save_file(path: Path, data: bytes) -> Path:
    """Write ``data`` to ``path`` in one step, mode 0600; the folder must exist (it
    is the person's: nothing about it is changed). Raises :class:`OSError`."""
    path = path.expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    dir_fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        kind = target_kind(dir_fd, path.name)
        if kind == "link":
            raise OSError(errno.ELOOP, "it is a symbolic link, which is not followed")
        if kind == "folder":
            raise OSError(errno.EISDIR, "it is a folder")
        replace_in(dir_fd, path.name, data)
    finally:
        os.close(dir_fd)
    return folder / path.name


def screenshot_dir() -> tuple[Path | None, str]:
    """Where a screenshot goes: ``~/Downloads`` when it exists, else the user data
    folder (created, private). Returns the folder (``None`` when there is none) and
    the words that say where and why."""
    downloads = Path.home() / "Downloads"
    if downloads.is_dir():
        return downloads, f"in {downloads}"
    from heroku_explorer.paths import data_dir, ensure_dir

    target = data_dir() / "screenshots"
    try:
        ensure_dir(target)
    except OSError as exc:
        why = exc.strerror or str(exc)
        return None, (f"nowhere: {downloads} does not exist and {target} cannot be "
                      f"created ({why})")
    return target, f"in {target} ({downloads} does not exist)"


class EditResult:
    """What came back from the editor: ``value`` (a JSON object) or ``problem``."""

    def __init__(self, value: dict[str, Any] | None = None, problem: str | None = None
                 ) -> None:
        self.value = value
        self.problem = problem


def _editor() -> list[str]:
    return shlex.split(os.environ.get("VISUAL") or os.environ.get("EDITOR") or "vi")


def edit_json(app: App[Any], value: dict[str, Any]) -> EditResult:
    """Let the person edit ``value`` as JSON in ``$VISUAL`` / ``$EDITOR``: the app is
    suspended, the text goes to a private (0600) temporary file that is removed
    afterwards, and what comes back must be a JSON object."""
    from textual.app import SuspendNotSupported

    fd, name = tempfile.mkstemp(prefix="heroku-explorer-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(json.dumps(value, indent=2, ensure_ascii=False) + "\n")
        command = [*_editor(), name]
        try:
            if app.is_headless:  # no terminal to hand over
                done = subprocess.run(command, check=False)
            else:
                with app.suspend():
                    done = subprocess.run(command, check=False)
        except SuspendNotSupported:
            return EditResult(problem="This terminal cannot hand itself to an editor.")
        except OSError as exc:
            return EditResult(problem=f"The editor {command[0]!r} could not start "
                                      f"({exc.strerror or exc}); set $EDITOR.")
        if done.returncode != 0:
            return EditResult(problem=f"The editor ended with status {done.returncode}; "
                                      "the form is unchanged.")
        text = Path(name).read_text(encoding="utf-8", errors="replace")
    finally:
        with contextlib.suppress(OSError):
            os.unlink(name)
    try:
        data = json.loads(text)
    except ValueError as exc:
        where = (f" (line {exc.lineno}, column {exc.colno}: {exc.msg})"
                 if isinstance(exc, json.JSONDecodeError) else "")
        return EditResult(problem=f"The edited body is not valid JSON{where}; the form "
                                  "is unchanged.")
    if not isinstance(data, dict):
        return EditResult(problem="The edited body must be a JSON object ({...}); the "
                                  "form is unchanged.")
    return EditResult(data)


_GENERAL = re.compile(r"^\s*\[\s*general\s*\]\s*(#.*)?$")
_SECTION = re.compile(r"^\s*\[")
_THEME = re.compile(r"^\s*theme\s*=")


def save_theme(path: Path, theme: str) -> None:
    """Set ``general.theme`` in the config file at ``path`` (created if missing),
    keeping every other line as it is. Raises :class:`OSError` (with a ``strerror``
    that says why) when the file cannot be written, or is not valid TOML."""
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    except UnicodeDecodeError:
        raise OSError(errno.EINVAL, "the config file is not UTF-8 text") from None
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        raise OSError(errno.EINVAL, "the config file is not valid TOML") from None
    line = f"theme = {json.dumps(theme)}"
    lines = text.splitlines()
    start = next((n for n, x in enumerate(lines) if _GENERAL.match(x)), None)
    if start is None:
        lines = ["[general]", line, *([""] if lines else []), *lines]
    else:
        end = next((n for n in range(start + 1, len(lines)) if _SECTION.match(lines[n])),
                   len(lines))
        found = next((n for n in range(start + 1, end) if _THEME.match(lines[n])), None)
        if found is None:
            lines.insert(start + 1, line)
        else:
            lines[found] = line
    out = "\n".join(lines) + "\n"
    tomllib.loads(out)  # never write a file the next start cannot read
    from heroku_explorer.paths import atomic_write

    atomic_write(path, out.encode("utf-8"))
