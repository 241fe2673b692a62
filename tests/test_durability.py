"""Two processes (a TUI and a REPL, say) writing one history database at once lose nothing."""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from heroku_explorer.client import History

ROOT = Path(__file__).resolve().parent.parent
ROWS = 200

WRITER = r"""
import json, sys, time
from pathlib import Path
from heroku_explorer.client import Exchange, History

path, name, rows, start_at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
while time.time() < start_at:  # both writers open the database and write together
    time.sleep(0.001)
history = History(path)
failed = 0
for i in range(rows):
    ex = Exchange("GET", f"http://127.0.0.1/{name}/{i}", (("Accept", "x"),), None, status=200,
                  reason="OK", body=b'{"i": %d}' % i, body_state="json", size=8,
                  request_id=f"{name}-{i}")
    if history.record(ex) is None:
        failed += 1
print(json.dumps({"enabled": history.enabled, "failed": failed,
                  "reason": history.disabled_reason}))
history.close()
"""


def test_two_processes_write_one_history(tmp_path: Path) -> None:
    db = tmp_path / "data" / "history.sqlite3"
    # The database exists before the writers start (as after the app's first run): two
    # processes *creating* it at the same instant is the test below.
    History(db).close()
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HEROKU_EXPLORER_HOME": str(tmp_path)}
    start_at = time.time() + 1.5  # after both interpreters have started
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), name, str(ROWS), str(start_at)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for name in ("tui", "repl")
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
        assert "Traceback" not in err, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert all(r["enabled"] and r["failed"] == 0 for r in results), results

    history = History(db)
    try:
        assert history.count() == 2 * ROWS
        for name in ("tui", "repl"):
            rows = history.search(path=f"/{name}/", limit=10 * ROWS)
            assert sorted(int(r.path.rsplit("/", 1)[1]) for r in rows) == list(range(ROWS))
            assert {r.request_id for r in rows} == {f"{name}-{i}" for i in range(ROWS)}
        # and they really did interleave (both wrote while the other was writing)
        order = [r.path.split("/")[1] for r in reversed(history.search(limit=10 * ROWS))]
        switches = sum(1 for a, b in itertools.pairwise(order) if a != b)
        assert switches >= 1
    finally:
        history.close()
    assert os.stat(db).st_mode & 0o777 == 0o600


def test_history_opens_while_another_process_creates_it(tmp_path: Path) -> None:
    db = tmp_path / "data" / "history.sqlite3"
    db.parent.mkdir(mode=0o700)
    other = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")  # the other process, mid-way through creating it
    other.execute("CREATE TABLE IF NOT EXISTS creating (x)")
    done = threading.Timer(0.5, lambda: other.execute("COMMIT"))
    done.start()
    try:
        history = History(db)
        assert history.enabled, history.disabled_reason
        history.close()
    finally:
        done.join()
        other.close()


OLD_SCHEMA = (
    "CREATE TABLE exchanges (id INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, "
    "method TEXT NOT NULL, url TEXT NOT NULL, path TEXT NOT NULL, status INTEGER, reason TEXT, "
    "request_id TEXT, elapsed_ms REAL, size INTEGER, body_state TEXT, request_headers TEXT, "
    "request_body BLOB, response_headers TEXT, response_body BLOB, body_truncated INTEGER, "
    "etag TEXT, not_modified INTEGER, from_cache INTEGER, content_range TEXT, "
    "next_range TEXT, error TEXT, action_id TEXT)")


def test_two_processes_upgrade_an_older_history_at_once(tmp_path: Path) -> None:
    """A database from before the redaction modes gains its new columns once, however
    many processes open it at the same instant, and keeps its old rows."""
    db = tmp_path / "data" / "history.sqlite3"
    db.parent.mkdir(mode=0o700)
    with sqlite3.connect(db) as conn:
        conn.execute(OLD_SCHEMA)
        conn.execute("INSERT INTO exchanges (ts, method, url, path, status) "
                     "VALUES (1, 'GET', 'https://x/old', '/old', 200)")
    conn.close()
    db.chmod(0o600)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HEROKU_EXPLORER_HOME": str(tmp_path)}
    start_at = time.time() + 1.5
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(db), name, "20", str(start_at)],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
        for name in ("tui", "repl", "call")
    ]
    for proc in procs:
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0 and "Traceback" not in err, err
        result = json.loads(out.strip().splitlines()[-1])
        assert result["enabled"] and result["failed"] == 0, result
    history = History(db)
    try:
        assert history.count() == 61
        assert history.search(path="/old")[0].redaction == ""
        assert {r.redaction for r in history.search(path="/tui/", limit=100)} == {"redacted"}
    finally:
        history.close()
