"""Which lessons a person has completed, kept in the user data directory.

``lessons.json`` (0600, written atomically by :func:`heroku_explorer.paths.atomic_write`)
holds ``{"done": [names]}``. A file that cannot be read or parsed counts as no
progress; one that cannot be written leaves progress in memory and says why once.
"""

from __future__ import annotations

import json
from pathlib import Path

from heroku_explorer.paths import atomic_write, data_dir, open_private
from heroku_explorer.safe_text import visible

__all__ = ["PROGRESS_FILE", "Progress"]

PROGRESS_FILE = "lessons.json"
_MAX = 64 * 1024


class Progress:
    def __init__(self, path: Path | None = None) -> None:
        self.path = path if path is not None else data_dir() / PROGRESS_FILE
        self.done: set[str] = set()
        self.problem: str | None = None
        self._read()

    def _read(self) -> None:
        import os

        try:
            fd = open_private(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return
        except OSError as exc:
            self.problem = self._sentence("read", exc)
            return
        with os.fdopen(fd, "rb") as handle:
            raw = handle.read(_MAX)
        try:
            data = json.loads(raw)
        except (ValueError, RecursionError):
            return
        names = data.get("done") if isinstance(data, dict) else None
        if isinstance(names, list):
            self.done = {n for n in names if isinstance(n, str)}

    def _sentence(self, verb: str, exc: OSError) -> str:
        reason = exc.strerror or type(exc).__name__
        return visible(f"Lesson progress is kept in memory only: cannot {verb} "
                       f"{self.path} ({reason}).", single_line=True)

    def _write(self) -> None:
        data = json.dumps({"done": sorted(self.done)}).encode()
        try:
            atomic_write(self.path, data)
        except OSError as exc:
            self.problem = self._sentence("write", exc)

    def mark(self, name: str) -> None:
        if name not in self.done:
            self.done.add(name)
            self._write()

    def reset(self) -> None:
        self.done.clear()
        self._write()
