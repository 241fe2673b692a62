"""History keeps no secret: each mode read back raw from the SQLite file and searched
for the planted secrets; the shared redaction rule; the REPL's command-line history."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heroku_explorer import redaction
from heroku_explorer.client import History
from heroku_explorer.client.history import BODY_CAP, HISTORY_MODES
from heroku_explorer.client.response import Exchange
from heroku_explorer.errors import InvalidParams, NetworkError
from heroku_explorer.redaction import (
    REDACTED,
    is_secret_name,
    redact_json,
    redact_text,
    redact_url,
    secret_forms,
)
from heroku_explorer.repl.history import REDACTED as REPL_MARKER
from heroku_explorer.repl.history import is_redacted_line, open_history, scrub
from heroku_explorer.schema import load_bundled, load_schema

TOKEN = "hrku-PLANTED-token-7a41c0"
DB_PASSWORD = "pg-PLANTED-pw-93bd"
REDIS_URL = "redis://h:PLANTED-redis-55@ec2.example.com:6379"
NEW_PASSWORD = "PLANTED-new-password-1"
OLD_PASSWORD = "PLANTED-old-password-2"
ACCESS = "PLANTED-access-token-3"
REFRESH = "PLANTED-refresh-token-4"
GRANT = "PLANTED-grant-code-5"
API_KEY = "PLANTED-x-api-key-6"
COOKIE = "PLANTED-session-cookie-7"
QUERY = "PLANTED-query-secret-8"
SIGNATURE = "PLANTED-signature-9"
PLANTED = [TOKEN, DB_PASSWORD, "PLANTED-redis-55", NEW_PASSWORD, OLD_PASSWORD, ACCESS, REFRESH,
           GRANT, API_KEY, COOKIE, QUERY, SIGNATURE]
# Kept in the "full" mode (today's behaviour): everything but the token itself.
FULL_KEEPS = [DB_PASSWORD, NEW_PASSWORD, OLD_PASSWORD, ACCESS, REFRESH, GRANT, API_KEY, QUERY]


def exchanges() -> list[Exchange]:
    """A config-var update, a password change, an OAuth authorization, a failure."""
    config_body = {"DATABASE_URL": f"postgres://u:{DB_PASSWORD}@db.example.com/d",
                   "REDIS_URL": REDIS_URL, "OLD_VAR": None}
    oauth = {"id": "0123-auth", "scope": ["global"],
             "access_token": {"id": "0123-at", "token": ACCESS, "expires_in": 28800},
             "refresh_token": {"id": "0123-rt", "token": REFRESH, "expires_in": None},
             "grant": {"code": GRANT, "expires_in": 300, "type": "authorization_code"},
             "description": "demo-description"}
    return [
        Exchange("PATCH", "https://api.heroku.com/apps/demo-app/config-vars",
                 (("Authorization", "Bearer [REDACTED]"), ("Content-Type", "application/json")),
                 json.dumps(config_body).encode(), status=200, reason="OK",
                 headers=(("Request-Id", "req-config-1"), ("Set-Cookie", f"s={COOKIE}")),
                 body=json.dumps(config_body).encode(), body_state="json", data=config_body,
                 size=len(json.dumps(config_body)), request_id="req-config-1",
                 action_id="config-var.update", elapsed_ms=12.5, started_at=1.0),
        Exchange("PUT", "https://api.heroku.com/account/password",
                 (("X-Api-Key", API_KEY),),
                 json.dumps({"password": NEW_PASSWORD, "current_password": OLD_PASSWORD}).encode(),
                 status=200, reason="OK", body=b'{"email": "demo@example.com"}',
                 body_state="json", data={"email": "demo@example.com"}, size=29,
                 request_id="req-password-2", action_id="account-password.update"),
        Exchange("POST", f"https://api.heroku.com/oauth/authorizations?api_key={QUERY}&page=2",
                 (("Cookie", f"s={COOKIE}"),), b'{"scope": ["global"]}', status=201,
                 reason="Created", body=json.dumps(oauth).encode(), body_state="json",
                 data=oauth, size=len(json.dumps(oauth)), request_id="req-oauth-3",
                 headers=(("Location", f"https://api.heroku.com/x?X-Amz-Signature={SIGNATURE}"),)),
        Exchange("GET", "https://api.heroku.com/account", (), None, reason="",
                 error=NetworkError(f"connection reset while sending Bearer {TOKEN}",
                                    kind="reset"),
                 request_id=None, action_id="account.info"),
    ]


def raw_files(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file())


def raw_rows(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT * FROM exchanges ORDER BY id").fetchall()
    return "\n".join(repr(r) for r in rows)


def record_all(folder: Path, mode: str) -> tuple[History, str, bytes]:
    history = History(folder / "h.sqlite3", mode=mode, secrets=[TOKEN])
    assert history.enabled, history.disabled_reason
    for ex in exchanges():
        assert history.record(ex) is not None
    rows = raw_rows(folder / "h.sqlite3")
    history.close()
    return history, rows, raw_files(folder)


def test_redacted_mode_keeps_no_planted_secret(tmp_path: Path) -> None:
    _, rows, blob = record_all(tmp_path, "redacted")
    for secret in PLANTED:
        assert secret not in rows, secret
        assert secret.encode() not in blob, secret
    # What is not secret stays, so the history is still useful.
    for kept in ("DATABASE_URL", "REDIS_URL", "OLD_VAR", "demo@example.com", "0123-at",
                 "expires_in", "demo-description", "req-oauth-3", "page=2", "Set-Cookie",
                 "X-Amz-Signature=[REDACTED]", "api_key=[REDACTED]"):
        assert kept in rows, kept
    reopened = History(tmp_path / "h.sqlite3")
    config, password, oauth, failed = reversed(reopened.search())
    assert json.loads(config.request_body or b"") == {
        "DATABASE_URL": REDACTED, "REDIS_URL": REDACTED, "OLD_VAR": None}
    assert json.loads(config.response_body)["DATABASE_URL"] == REDACTED
    assert ("Set-Cookie", REDACTED) in config.response_headers
    assert ("Authorization", REDACTED) in config.request_headers
    assert json.loads(password.request_body or b"") == {
        "password": REDACTED, "current_password": REDACTED}
    assert ("X-Api-Key", REDACTED) in password.request_headers
    stored = json.loads(oauth.response_body)
    assert stored["access_token"] == {"id": "0123-at", "token": REDACTED, "expires_in": 28800}
    assert stored["grant"]["code"] == REDACTED
    assert oauth.url == ("https://api.heroku.com/oauth/authorizations"
                         f"?api_key={REDACTED}&page=2")
    assert failed.error is not None and "connection reset" in failed.error
    assert all(e.redaction == "redacted" for e in (config, password, oauth, failed))
    reopened.close()


def test_full_mode_removes_only_the_token(tmp_path: Path) -> None:
    _, rows, blob = record_all(tmp_path, "full")
    assert TOKEN not in rows and TOKEN.encode() not in blob
    entry = History(tmp_path / "h.sqlite3").search(path="config-vars")[0]
    assert ("Authorization", REDACTED) in entry.request_headers  # dropped whole
    for kept in FULL_KEEPS:  # today's behaviour: bodies and other headers as exchanged
        assert kept in rows, kept
    assert COOKIE not in rows  # cookie headers stay hidden


def test_metadata_mode_keeps_no_header_value_and_no_body(tmp_path: Path) -> None:
    _, rows, blob = record_all(tmp_path, "metadata")
    for secret in [*PLANTED, "demo@example.com", "DATABASE_URL", "application/json", "global",
                   "page=2", "connection reset"]:
        assert secret not in rows, secret
        assert secret.encode() not in blob, secret
    history = History(tmp_path / "h.sqlite3", mode="metadata")
    config, password, oauth, failed = reversed(history.search())
    assert (config.method, config.path, config.status, config.request_id) == (
        "PATCH", "/apps/demo-app/config-vars", 200, "req-config-1")
    assert config.elapsed_ms == 12.5 and config.size > 0 and config.request_size > 0
    assert config.request_body is None and config.response_body == b""
    assert config.request_headers == (("Authorization", ""), ("Content-Type", ""))
    assert oauth.url == "https://api.heroku.com/oauth/authorizations?api_key&page"
    assert failed.error == "NetworkError (reset)"
    assert history.search(path="/account/password")[0].id == password.id
    history.close()


def test_modes_are_checked() -> None:
    assert HISTORY_MODES == ("redacted", "full", "metadata")
    with pytest.raises(ValueError, match="unknown history mode"):
        History(Path("/nonexistent/h.sqlite3"), mode="everything")


def test_off_opens_nothing(tmp_path: Path) -> None:
    history = History(tmp_path / "data" / "h.sqlite3", mode="off")
    assert not history.enabled and history.disabled_reason
    assert history.record(exchanges()[0]) is None
    assert not (tmp_path / "data").exists()


def test_schema_write_only_fields_are_secret_2013(tmp_path: Path) -> None:
    spec = load_bundled()
    history = History(tmp_path / "h.sqlite3", spec=spec)
    assert {"source", "lines", "dyno", "tail"} <= history.write_only["log-session.create"]
    body = {"source": "PLANTED-write-only-source", "lines": 10, "tail": True}
    history.record(Exchange("POST", "https://api.heroku.com/apps/a/log-sessions", (),
                            json.dumps(body).encode(), status=201,
                            action_id="log-session.create"))
    # Another action that happens to use the name keeps its value.
    history.record(Exchange("POST", "https://api.heroku.com/apps/a/builds", (),
                            b'{"source": "kept-elsewhere"}', status=201, action_id="build.create"))
    rows = raw_rows(tmp_path / "h.sqlite3")
    assert "PLANTED-write-only-source" not in rows and "kept-elsewhere" in rows
    stored = json.loads(history.search()[1].request_body or b"")
    assert stored == {"source": REDACTED, "lines": REDACTED, "tail": True}
    history.close()


def test_schema_write_only_fields_are_secret_hyper(tmp_path: Path) -> None:
    widget = {
        "title": "Widget", "type": ["object"], "stability": "production",
        "definitions": {"id": {"type": ["string"], "readOnly": True},
                        "pin": {"type": ["string"], "writeOnly": True}},
        "properties": {"id": {"$ref": "#/definitions/widget/definitions/id"}},
        "links": [{"title": "Create", "method": "POST", "href": "/widgets", "rel": "create",
                   "schema": {"type": ["object"], "properties": {
                       "pin": {"$ref": "#/definitions/widget/definitions/pin"},
                       "label": {"type": ["string"]}}}}],
    }
    spec = load_schema(json.dumps({"definitions": {"widget": widget}}), format="hyper-schema")
    (action,) = spec.resources[0].actions
    history = History(tmp_path / "h.sqlite3")
    history.use_schema(spec)
    assert history.write_only[action.id] == frozenset({"pin"})
    history.record(Exchange("POST", "http://127.0.0.1/widgets", (),
                            b'{"pin": "PLANTED-pin-0042", "label": "blue"}', status=201,
                            action_id=action.id))
    rows = raw_rows(tmp_path / "h.sqlite3")
    assert "PLANTED-pin-0042" not in rows and "blue" in rows
    history.close()


def test_config_var_bodies_that_are_not_json_are_not_kept(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    history.record(Exchange("GET", "https://api.heroku.com/apps/a/config-vars", (), None,
                            status=200, body=b'{"DATABASE_URL": "postgres://u:PLANTED-cut',
                            body_state="non-json", size=40))
    history.record(Exchange("GET", "https://api.heroku.com/apps/a/config-vars", (), None,
                            status=404, body=b'{"id": "not_found", "message": "No app a."}',
                            body_state="json", data={"id": "not_found", "message": "No app a."},
                            size=41, error=InvalidParams(404, "not_found", "No app a.")))
    error_row, cut_row = history.search()
    assert cut_row.response_body == REDACTED.encode()
    assert json.loads(error_row.response_body)["message"] == "No app a."  # an error, not vars
    assert "PLANTED" not in raw_rows(tmp_path / "h.sqlite3")
    history.close()


def test_request_bodies_are_capped(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    big = json.dumps({"name": "n", "blob": "x" * (3 * BODY_CAP)}).encode()
    history.record(Exchange("POST", "https://api.heroku.com/apps", (), big, status=201))
    history.record(Exchange("POST", "https://api.heroku.com/apps", (), b'{"name": "n"}',
                            status=201))
    small, large = history.search()
    assert large.request_body is not None and len(large.request_body) == BODY_CAP
    assert large.request_body_truncated and large.request_size == len(big)
    assert not small.request_body_truncated and small.request_size == 13
    history.close()


def test_an_older_database_gains_the_new_columns(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute(
            "CREATE TABLE exchanges (id INTEGER PRIMARY KEY AUTOINCREMENT, ts REAL NOT NULL, "
            "method TEXT NOT NULL, url TEXT NOT NULL, path TEXT NOT NULL, status INTEGER, "
            "reason TEXT, request_id TEXT, elapsed_ms REAL, size INTEGER, body_state TEXT, "
            "request_headers TEXT, request_body BLOB, response_headers TEXT, "
            "response_body BLOB, body_truncated INTEGER, etag TEXT, not_modified INTEGER, "
            "from_cache INTEGER, content_range TEXT, next_range TEXT, error TEXT, "
            "action_id TEXT)")
        conn.execute("INSERT INTO exchanges (ts, method, url, path, status) "
                     "VALUES (1, 'GET', 'https://x/old', '/old', 200)")
    db.chmod(0o600)
    history = History(db)
    assert history.enabled, history.disabled_reason
    history.record(Exchange("GET", "https://x/new", (), b"{}", status=200))
    new, old = history.search()
    assert (old.path, old.redaction, old.request_size) == ("/old", "", 0)
    assert (new.path, new.redaction, new.request_size) == ("/new", "redacted", 2)
    history.close()
    assert History(db).count() == 2  # opening again adds nothing twice


# -- a token with quotes, newlines and control characters ---------------------------

ODD = 'hrku-ODD"quoted\nline\x1b[31m-token-abcdef'


@pytest.mark.parametrize("mode", HISTORY_MODES)
def test_an_odd_token_is_stored_in_no_form(tmp_path: Path, mode: str) -> None:
    history = History(tmp_path / "h.sqlite3", mode=mode, secrets=[ODD])
    escaped = json.dumps(ODD)[1:-1]
    history.record(Exchange(
        "GET", "https://api.heroku.com/echo", (("X-Echo", ODD),), None, status=400,
        body=json.dumps({"message": f"bad token {ODD}"}).encode(), body_state="text",
        size=60, reason=f"Bad {ODD!r}",
        error=InvalidParams(400, "bad", f"header was {ODD!r} / {' '.join(ODD.split())}")))
    history.record(Exchange("GET", "https://api.heroku.com/echo", (), None, status=200,
                            body=f"plain text with {escaped} inside".encode(), size=40))
    rows = raw_rows(tmp_path / "h.sqlite3")
    history.close()
    blob = raw_files(tmp_path)
    for form in secret_forms(ODD):
        assert form not in rows, form
        assert form.encode() not in blob, form
    for piece in ("hrku-ODD\"quoted", "-token-abcdef"):
        assert piece not in rows
    assert TOKEN not in rows


def test_secret_forms_cover_escapes() -> None:
    forms = set(secret_forms(ODD))
    assert {ODD, json.dumps(ODD)[1:-1], repr(ODD)[1:-1], " ".join(ODD.split())} <= forms
    assert "[31m-token-abcdef" in forms and "hrku-ODD" in forms  # pieces of 8 and more
    assert secret_forms("") == ()
    assert redact_text(f"x {json.dumps(ODD)} y", [ODD]) == f'x "{REDACTED}" y'


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_characters="[]", blacklist_categories=("Cs",)),
               min_size=8, max_size=30).filter(lambda s: s.strip() == s and s.strip()))
def test_no_written_form_of_any_secret_survives(secret: str) -> None:
    text = json.dumps({"a": secret, "b": [f"pre{secret}post"]})
    for written in (text, json.dumps(text), repr(secret), f"e: {secret!r}"):
        clean = redact_text(written, [secret])
        assert secret not in clean and json.dumps(secret)[1:-1] not in clean
    clean_json = redact_json(json.loads(text), secrets=[secret])
    assert secret not in json.dumps(clean_json, ensure_ascii=False)


# -- the shared rule --------------------------------------------------------------


@pytest.mark.parametrize("name", ["client:secret", "grant:code", "X-Amz-Signature",
                                  "X-Amz-Security-Token", "two_factor_code", "recovery-code",
                                  "refresh_token:token"])
def test_more_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["code", "exit_code", "grant:type", "status_code", "region"])
def test_more_plain_names(name: str) -> None:
    assert not is_secret_name(name)


def test_redact_url() -> None:
    assert redact_url("postgres://user:pw@host:5432/db?sslmode=require") == (
        f"postgres://user:{REDACTED}@host:5432/db?sslmode=require")
    assert redact_url("https://x/y?a=1&access_token=t&b=%20#frag") == (
        f"https://x/y?a=1&access_token={REDACTED}&b=%20#frag")
    assert redact_url("https://x/apps/SECRET-42", ["SECRET-42"]) == f"https://x/apps/{REDACTED}"
    assert redact_url("https://x/y") == "https://x/y"


def test_redact_json_depth_and_parents() -> None:
    value = {"outer": [{"api_key": "k1", "name": "n"}], "token": {"value": "v", "id": "i"},
             "grant": {"code": "c", "type": "t"}, "code": 404, "callback": "https://u:p@h/"}
    assert redact_json(value) == {
        "outer": [{"api_key": REDACTED, "name": "n"}], "token": {"value": REDACTED, "id": "i"},
        "grant": {"code": REDACTED, "type": "t"}, "code": 404,
        "callback": f"https://u:{REDACTED}@h/"}
    assert redact_json({"K": "v", "N": None}, config_vars=True) == {"K": REDACTED, "N": None}
    assert redact_json({"pin": "1", "x": "2"}, secret_names={"pin"}.__contains__) == {
        "pin": REDACTED, "x": "2"}


# -- the REPL's command-line history ------------------------------------------------


def test_the_repl_marker_is_the_shared_one() -> None:
    assert REPL_MARKER is redaction.REDACTED


@pytest.mark.parametrize(("line", "secret"), [
    ("PATCH /account/password password=hunter2-x current_password=old-pw-1", "hunter2-x"),
    ("GET /apps 'X-Api-Key: key-abc-1'", "key-abc-1"),
    ("GET /apps Accept:json X-Api-Key:key-abc-2", "key-abc-2"),
    ("POST /oauth/tokens grant:code=gc-123 grant:type=authorization_code", "gc-123"),
    ("GET /apps?page=2&access_token=at-99", "at-99"),
    ("PATCH /apps/a/config-vars DATABASE_URL=postgres://u:pgpw-7@h/d", "pgpw-7"),
    ("GET /apps/TOKEN-IN-PATH-1", "TOKEN-IN-PATH-1"),
])
def test_scrub_uses_the_shared_rule(line: str, secret: str) -> None:
    clean = scrub(line, secrets=["TOKEN-IN-PATH-1"])
    assert secret not in clean and is_redacted_line(clean)


def test_ordinary_lines_are_kept_and_resendable() -> None:
    for line in ("GET /apps", "PATCH /apps/demo name=demo-2 maintenance:=true",
                 "GET /apps Range:'id ..; max=10'", "app info demo", "GET /apps?page=2"):
        assert scrub(line) == line
        assert not is_redacted_line(line)
    assert scrub("POST /oauth/tokens grant:type=authorization_code").endswith("=authorization_code")


def test_recalled_lines_holding_the_marker_are_flagged(tmp_path: Path) -> None:
    path = tmp_path / "data" / "repl_history"
    history = open_history(path, secrets=["tok-PLANTED-repl"])
    history.store_string("GET /apps Authorization:'Bearer tok-PLANTED-repl'")
    history.store_string("GET /apps")
    assert b"tok-PLANTED-repl" not in path.read_bytes()
    again = open_history(path)
    recalled = list(again.load_history_strings())
    assert recalled[0] == "GET /apps" and not is_redacted_line(recalled[0])
    assert is_redacted_line(recalled[1])


def test_a_long_list_is_redacted_as_far_as_it_is_kept(tmp_path: Path) -> None:
    history = History(tmp_path / "h.sqlite3")
    for first in ('{"password":"PLANTED-first"}', '{"n":1e9}'):
        # 1e9 is shorter as sent than re-written: the secret at item 5000 is within the
        # first BODY_CAP bytes as sent, past them as re-written.
        raw = ("[" + first + ',{"n":1e9}' * 4_999 + ',{"password":"PLANTED-later"}'
               + ',{"n":1e9}' * 15_000 + "]").encode()
        assert raw.index(b"PLANTED-later") < BODY_CAP
        history.record(Exchange("GET", "https://api.heroku.com/x", (), None, status=200,
                                body=raw, body_state="json", data=json.loads(raw),
                                size=len(raw)))
    plain, first_secret = history.search()
    for entry in (plain, first_secret):
        assert b"PLANTED" not in entry.response_body and entry.body_truncated
        assert len(entry.response_body) == BODY_CAP
    assert first_secret.response_body.startswith(b'[{"password": "[REDACTED]"}, {"n": 1000')
    assert plain.response_body.startswith(b'[{"n": 1000000000.0}, {"n": 1000000000.0}')
    history.close()


def test_rows_that_do_not_hold_the_whole_request_say_why(tmp_path: Path) -> None:
    for mode in HISTORY_MODES:
        history = History(tmp_path / f"{mode}.sqlite3", mode=mode)
        for ex in exchanges():
            history.record(ex)
        history.record(Exchange("POST", "https://api.heroku.com/apps", (),
                                b'{"name": "' + b"n" * BODY_CAP + b'"}', status=201))
        big, *others = history.search()
        reasons = [r.incomplete() for r in others]
        if mode == "metadata":
            assert all(r and "without its body" in r for r in [*reasons, big.incomplete()])
        else:
            assert reasons == [None] * len(others)
            assert (big.incomplete() or "").startswith("Not sent: only the first 64 KB")
        history.close()


SECRET_KEYS = ["password", "new_password", "access_token", "apiKey", "client_secret",
               "X-Api-Key", "refresh-token", "private_key", "otp"]
PLAIN_KEYS = ["name", "id", "region", "stack", "email", "key", "owner", "items"]
DESCRIPTIVE = {"id"}
_counter = iter(range(10**9))


def _leaf() -> st.SearchStrategy[object]:
    return st.builds(lambda: f"V{next(_counter)}-value")


json_values = st.recursive(
    _leaf(),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from(SECRET_KEYS + PLAIN_KEYS), inner, max_size=4),
    max_leaves=12)


def _under_secret(value: object, hidden: bool = False) -> tuple[set[str], set[str]]:
    """(strings below a secret-named key, strings elsewhere)."""
    secret: set[str] = set()
    plain: set[str] = set()
    if isinstance(value, str):
        (secret if hidden else plain).add(value)
    elif isinstance(value, list):
        for item in value:
            s, p = _under_secret(item, hidden)
            secret |= s
            plain |= p
    elif isinstance(value, dict):
        for k, item in value.items():
            # Inside a secret, a credential's own "id" (a plain value) describes it: kept.
            kept = hidden and k in DESCRIPTIVE and isinstance(item, str)
            s, p = _under_secret(item, (hidden or k in SECRET_KEYS) and not kept)
            secret |= s
            plain |= p
    return secret, plain


@settings(max_examples=80, deadline=None)
@given(request=json_values, response=json_values)
def test_no_value_under_a_secret_name_is_stored(tmp_path_factory: pytest.TempPathFactory,
                                                request: object, response: object) -> None:
    folder = tmp_path_factory.mktemp("prop")
    history = History(folder / "h.sqlite3")
    history.record(Exchange("POST", "https://api.heroku.com/things", (),
                            json.dumps(request).encode(), status=201,
                            body=json.dumps(response).encode(), body_state="json",
                            data=response, size=len(json.dumps(response))))
    rows = raw_rows(folder / "h.sqlite3")
    history.close()
    for value in (request, response):
        hidden, shown = _under_secret(value)
        for leaf in hidden:
            assert leaf not in rows, leaf
        for leaf in shown:
            assert leaf in rows, leaf
