"""Unexpected errors: one sentence for the person, the details in a private log.

Nobody sees a traceback. When something goes wrong that no rule foresaw, the front
end shows ``heroku-explorer: unexpected error: <type>; details in <path>`` and the
traceback goes to :data:`LOG_NAME` in the user data directory (mode 0600), with
every key this process knows removed (``--api-key``, ``HEROKU_API_KEY``, the
credentials in use).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from heroku_explorer.safe_text import visible

__all__ = ["EXIT_UNEXPECTED", "LOG_NAME", "argv_secrets", "log_unexpected", "redact_known"]

#: The exit status after an unexpected error (``EX_SOFTWARE``).
EXIT_UNEXPECTED = 70

#: The file, in the user data directory, that holds the last unexpected error.
LOG_NAME = "last-error.log"


def argv_secrets(argv: Sequence[str]) -> tuple[str, ...]:
    """Keys on the command line (``--api-key X``, ``--api-key=X``, an abbreviation)
    and in ``HEROKU_API_KEY``: never repeated in a message or a log."""
    found: set[str] = set()
    for i, word in enumerate(argv):
        name, eq, value = word.partition("=")
        if len(name) > len("--api-") and "--api-key".startswith(name):
            if eq:
                found.add(value)
            elif i + 1 < len(argv):
                found.add(argv[i + 1])
    env = os.environ.get("HEROKU_API_KEY", "")
    found.update({env, env.strip()})
    return tuple(sorted((s for s in found if len(s.strip()) >= 4 and s != "-"), key=len,
                        reverse=True))


def redact_known(text: str, secrets: Sequence[str]) -> str:
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            text = text.replace(secret, "[REDACTED]")
    return text


def log_unexpected(exc: BaseException, secrets: Sequence[str] = ()) -> str:
    """Write ``exc``'s traceback to :data:`LOG_NAME` in the user data directory (0600),
    with ``secrets`` and every key known to this process removed; return the one
    sentence to show: ``heroku-explorer: unexpected error: <type>; details in <path>``.

    A front end that catches its own unexpected errors (the explorer) can call it too.
    """
    import traceback

    known = [*secrets, *argv_secrets(sys.argv[1:])]
    runtime = sys.modules.get("heroku_explorer.runtime")
    if runtime is not None:
        known.extend(runtime.known_secrets())
    text = redact_known("".join(traceback.format_exception(exc)), known)
    try:
        from heroku_explorer.paths import atomic_write, data_dir

        path = data_dir() / LOG_NAME
        atomic_write(path, text.encode("utf-8", "replace"))
        where = f"details in {visible(str(path), single_line=True)}"
    except Exception:  # the log is a courtesy: its failure must not hide the first one
        where = "the details could not be saved"
    return f"heroku-explorer: unexpected error: {type(exc).__name__}; {where}"


