"""An error no rule foresaw ends the explorer with one sentence, never a traceback."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sys
from heroku_explorer.tui import app as appmod
def boom(self):
    raise RuntimeError("boom from f1")
appmod.ExplorerApp.action_help = boom
from heroku_explorer.cli import main
sys.exit(main(["--sandbox"]))
"""


def _read(fd: int) -> bytes:
    """What the terminal has for us within 0.2 s (nothing once the other side is gone)."""
    if not select.select([fd], [], [], 0.2)[0]:
        return b""
    try:
        return os.read(fd, 65536)
    except OSError:
        return b""


def test_an_unexpected_error_is_one_sentence_and_a_private_log(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path), "HEROKU_EXPLORER_HOME": str(tmp_path / "h"),
           "TERM": "xterm-256color", "COLUMNS": "100", "LINES": "30"}
    env.pop("HEROKU_API_KEY", None)
    env.pop("HEROKU_API_URL", None)
    main_fd, child_fd = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT], stdin=child_fd, stdout=child_fd,
                            stderr=child_fd, env=env, cwd=ROOT)
    os.close(child_fd)
    seen = b""
    try:
        deadline = time.monotonic() + 60
        sent = False
        # Read what the app paints until it exits; press F1 once its first frame is up.
        while time.monotonic() < deadline:
            exited = proc.poll() is not None
            chunk = _read(main_fd)
            seen += chunk
            if exited and not chunk:
                break
            if not sent and b"SANDBOX" in seen:
                time.sleep(1.0)
                os.write(main_fd, b"\x1bOP")  # F1
                sent = True
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(main_fd)
    err = seen.decode("utf-8", "replace")  # Textual paints on stderr: one terminal for all
    assert proc.returncode == 70, err[-2000:]
    assert "Traceback" not in err
    assert "unexpected error: RuntimeError; details in" in err
    log = tmp_path / "h" / "data" / "last-error.log"
    assert "boom from f1" in log.read_text()
    assert log.stat().st_mode & 0o077 == 0
