"""The REPL's ``help`` and the README cover every command of the command table and
every option; ``repl | tee log`` (stdin and stderr a terminal, stdout a pipe) writes
no cursor codes into the log."""

from __future__ import annotations

from pathlib import Path


def test_help_and_readme_cover_every_command_and_option() -> None:
    import re

    from heroku_explorer.repl.docs import help_text
    from heroku_explorer.repl.words import FLAG_OPTIONS, SESSION_COMMANDS, VALUE_OPTIONS
    from tests.conftest import ROOT

    text = help_text()
    readme = (ROOT / "README.md").read_text()
    for command in SESSION_COMMANDS:
        assert re.search(rf"(?m)^  {re.escape(command)}\s", text), command
        assert f"`{command}" in readme or f"`history {command}" in readme, command
    for option in [*VALUE_OPTIONS, *FLAG_OPTIONS]:
        assert re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text), option
        assert f"`{option}" in readme or f"({option}" in readme or f"(`{option}`)" in readme, option
    for synonym in ("rm", "remove", "destroy"):
        assert synonym in text and f"`{synonym}`" in readme


# -- repl | tee --------------------------------------------------------------------------


def test_piped_stdout_gets_no_cursor_codes(tmp_path: Path) -> None:
    """stdin and stderr on a terminal, stdout a pipe (``repl | tee log``): the prompt
    is drawn on stderr and stdout gets the results as plain text."""
    import os
    import pty
    import subprocess
    import sys
    import threading
    import time

    from tests.conftest import ROOT

    env = {k: v for k, v in os.environ.items() if not k.startswith("HEROKU_")}
    env.update(HOME=str(tmp_path), HEROKU_EXPLORER_HOME=str(tmp_path / "home"),
               HEROKU_EXPLORER_OFFLINE="1", TERM="xterm", NO_COLOR="1")
    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "heroku_explorer", "repl", "--no-history"],
                            stdin=slave, stdout=subprocess.PIPE, stderr=slave, cwd=ROOT,
                            env=env)
    os.close(slave)
    screen = bytearray()

    def drain() -> None:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                return
            if not chunk:
                return
            screen.extend(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60
        while b"heroku>" not in screen and time.monotonic() < deadline:
            time.sleep(0.05)
        assert b"heroku>" in screen  # the prompt is on the terminal (stderr)
        os.write(master, b"region list\r")
        time.sleep(1.0)
        os.write(master, b"exit\r")
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    assert b'"name": "eu"' in out
    assert b"\x1b" not in out
