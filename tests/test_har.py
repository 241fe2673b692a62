"""HAR 1.2 export: the log's required shape (a JSON Schema of HAR 1.2's required
fields), redaction like the history's own whatever mode a row was kept in, and
`heroku-explorer history --har`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from heroku_explorer.client.har import har_text, to_har
from heroku_explorer.client.history import History
from heroku_explorer.client.response import Exchange
from heroku_explorer.errors import NetworkError
from heroku_explorer.redaction import REDACTED
from tests.har_support import HAR_12

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "hrku-PLANTED-har-token-51c2"
DB_PASSWORD = "PLANTED-har-db-pw-77"
PASSWORD = "PLANTED-har-password-31"
LOGPLEX_SECRET = "PLANTED-har-logplex-srv-90"
SECRETS = [TOKEN, DB_PASSWORD, PASSWORD, LOGPLEX_SECRET]

def _json(value: Any) -> bytes:
    return json.dumps(value).encode()


def exchanges() -> list[Exchange]:
    config = {"DATABASE_URL": f"postgres://u:{DB_PASSWORD}@db.example.com/d", "GONE": None}
    session = {"id": "0f2e", "logplex_url":
               f"https://logplex.example.com/sessions/0f2e?srv={LOGPLEX_SECRET}",
               "created_at": "2026-12-01T10:00:00Z"}
    auth = (("Authorization", f"Bearer {TOKEN}"), ("Content-Type", "application/json"))
    return [
        Exchange("PATCH", "https://api.heroku.com/apps/demo/config-vars", auth, _json(config),
                 status=200, reason="OK", headers=(("Content-Type", "application/json"),),
                 body=_json(config), body_state="json", data=config, size=90,
                 request_id="req-1", action_id="config-var.update", elapsed_ms=12.5,
                 started_at=1_764_583_200.25),
        Exchange("POST", "https://api.heroku.com/apps/demo/log-sessions", auth,
                 _json({"lines": 10}), status=201, reason="Created",
                 body=_json(session), body_state="json", data=session, size=120,
                 request_id="req-2", action_id="log-session.create", started_at=2.0),
        Exchange("PUT", "https://api.heroku.com/account/password", auth,
                 _json({"password": PASSWORD}), status=200, reason="OK",
                 body=b'{"email": "demo@example.com"}', body_state="json",
                 data={"email": "demo@example.com"}, size=29, started_at=3.0),
        Exchange("GET", "https://api.heroku.com/account?page=2", auth, None,
                 error=NetworkError(f"reset while sending Bearer {TOKEN}", kind="reset"),
                 started_at=4.0),
    ]


def _stored(folder: Path, mode: str) -> list[Any]:
    history = History(folder / "h.sqlite3", mode=mode, secrets=[TOKEN])
    for ex in exchanges():
        assert history.record(ex) is not None
    rows = list(reversed(history.search()))
    history.close()
    return rows


def _check(text: str) -> dict[str, Any]:
    for secret in SECRETS:
        assert secret not in text
    doc: dict[str, Any] = json.loads(text)
    jsonschema.validate(doc, HAR_12, format_checker=jsonschema.FormatChecker())
    return doc


@pytest.mark.parametrize("mode", ["redacted", "full", "metadata"])
def test_stored_rows_make_a_valid_har_without_a_secret(tmp_path: Path, mode: str) -> None:
    rows = _stored(tmp_path, mode)
    doc = _check(har_text(rows, secrets=[TOKEN]))
    entries = doc["log"]["entries"]
    assert [e["request"]["method"] for e in entries] == ["PATCH", "POST", "PUT", "GET"]
    headers = dict((h["name"], h["value"]) for h in entries[0]["request"]["headers"])
    assert headers["Authorization"] == REDACTED
    assert entries[3]["response"]["status"] == 0
    if mode != "metadata":
        config = json.loads(entries[0]["response"]["content"]["text"])
        assert config == {"DATABASE_URL": REDACTED, "GONE": None}
        session = json.loads(entries[1]["response"]["content"]["text"])
        assert session["logplex_url"] == REDACTED
        assert session["id"] == "0f2e"
        assert entries[0]["startedDateTime"] == "2025-12-01T10:00:00.250+00:00"
        assert entries[0]["time"] == 12.5
        assert entries[3]["request"]["queryString"] == [{"name": "page", "value": "2"}]


def test_session_exchanges_are_redacted_as_the_history_would(tmp_path: Path) -> None:
    doc = _check(har_text(exchanges(), secrets=[TOKEN]))
    entries = doc["log"]["entries"]
    sent = json.loads(entries[2]["request"]["postData"]["text"])
    assert sent == {"password": REDACTED}
    assert entries[3]["_error"] == f"reset while sending Bearer {REDACTED}"
    assert to_har([])["log"]["entries"] == []


def test_outside_text_is_escaped_in_the_log() -> None:
    hostile = Exchange("GET", "https://api.heroku.com/apps/x", (), None, status=200,
                       reason="OK\u202e\x9b", body=b'"\x1b[2J\xe2\x80\xae"', size=9)
    text = har_text([hostile])
    assert "\u202e" not in text and "\x9b" not in text and "\x1b" not in text
    doc = _check(text)
    assert doc["log"]["entries"][0]["response"]["statusText"] == "OK\u202e\x9b"


def _run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEROKU_EXPLORER_OFFLINE": "1", "PYTHONPATH": str(ROOT),
           "HEROKU_EXPLORER_HOME": str(home), "HOME": str(home)}
    env.pop("HEROKU_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "heroku_explorer", *args], cwd=home, env=env,
                          capture_output=True, text=True, timeout=120)


def test_history_command_writes_har_and_lists(tmp_path: Path) -> None:
    history = History(tmp_path / "data" / "history.sqlite3", secrets=[TOKEN])
    for ex in exchanges():
        history.record(ex)
    history.close()

    done = _run("history", "--har", "out.har", "--last", "2", home=tmp_path)
    assert done.returncode == 0, done.stderr
    written = tmp_path / "out.har"
    assert written.stat().st_mode & 0o777 == 0o600
    doc = _check(written.read_text(encoding="utf-8"))
    assert [e["request"]["method"] for e in doc["log"]["entries"]] == ["PUT", "GET"]

    out = _run("history", "--har", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert len(_check(out.stdout)["log"]["entries"]) == 4

    listing = _run("history", home=tmp_path)
    assert listing.returncode == 0
    lines = listing.stdout.splitlines()
    assert lines[-1] == "4 of 4 stored exchanges"
    assert "PATCH" in lines[0] and "/apps/demo/config-vars" in lines[0]

    bad = _run("history", "--last", "0", home=tmp_path)
    assert bad.returncode == 2
    assert "0 is not between 1 and 5000" in bad.stderr


def test_history_keeps_no_stream_url(tmp_path: Path) -> None:
    """A log session's and a build's stream URLs are credentials: never stored."""
    import sqlite3

    history = History(tmp_path / "h.sqlite3", secrets=[TOKEN])
    build = {"id": "b1", "output_stream_url": f"https://build-output.example.com/s?{TOKEN}x",
             "source_blob": {"url": "https://s3.example.com/src.tgz"}}
    history.record(Exchange("GET", "https://api.heroku.com/apps/demo/builds/b1", (), None,
                            status=200, body=_json(build), body_state="json", data=build))
    for ex in exchanges():
        history.record(ex)
    history.close()
    with sqlite3.connect(tmp_path / "h.sqlite3") as db:
        raw = repr(db.execute("SELECT * FROM exchanges").fetchall())
    assert LOGPLEX_SECRET not in raw and "build-output.example.com" not in raw
    assert "https://s3.example.com/src.tgz" in raw  # an ordinary URL stays


def test_history_command_hides_write_only_fields_of_full_rows(tmp_path: Path) -> None:
    history = History(tmp_path / "data" / "history.sqlite3", mode="full")
    history.record(Exchange("POST", "https://api.heroku.com/apps/a/log-sessions", (),
                            b'{"source": "PLANTED-write-only-source", "lines": 10}', status=201,
                            action_id="log-session.create"))
    history.close()
    done = _run("history", "--har", home=tmp_path)
    assert done.returncode == 0, done.stderr
    (entry,) = _check(done.stdout)["log"]["entries"]
    assert "PLANTED-write-only-source" not in done.stdout
    assert json.loads(entry["request"]["postData"]["text"]) == {"source": REDACTED,
                                                                "lines": REDACTED}
