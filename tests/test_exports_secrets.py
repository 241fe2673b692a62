"""Exports are made from the request sent and hold no secret the session knows.

The token stands in as it was found (``-n`` for netrc, ``$HEROKU_API_KEY`` for the
environment or the option); tokens a person typed (query, headers, body) are
scrubbed wherever they appear; sandbox exports target the real API and say so.
"""

from __future__ import annotations

import http.server
import json
import os
import shlex
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from heroku_explorer.client import Credentials, HerokuClient
from heroku_explorer.client.exports import (
    LIVE_BASE_URL,
    SANDBOX_NOTE,
    UnsentRequest,
    export,
    scrub,
    unsent,
)
from heroku_explorer.client.response import Outgoing
from heroku_explorer.request import build_request, raw_request
from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app
from heroku_explorer.schema import load_bundled
from tests.client_helpers import TOKEN

FORMATS = ("curl", "httpie", "python")
PLACEHOLDER = '-H "Authorization: Bearer $HEROKU_API_KEY"'
TYPED = "typed-0123456789-secret-value"
SPEC = load_bundled()


def client_for(source: str = "option", **kw: Any) -> HerokuClient:
    creds = Credentials(token=TOKEN, source=source)  # type: ignore[arg-type]
    return HerokuClient(kw.pop("base_url", "https://api.heroku.com"), creds,
                        cache_dir=Path("/nonexistent"), **kw)


def all_exports(client: HerokuClient, request: Any) -> dict[str, str]:
    return {fmt: client.export(request, fmt) for fmt in FORMATS}  # type: ignore[arg-type]


def assert_clean(texts: dict[str, str], *secrets: str) -> None:
    for fmt, text in texts.items():
        for secret in secrets:
            assert secret not in text, (fmt, secret, text)
        if fmt == "python":
            compile(text, "<export>", "exec")
        else:
            shlex.split(text.replace("\\\n", ""), comments=True)


# -- how the token stands in ------------------------------------------------------------


def test_a_netrc_key_stands_in_as_netrc() -> None:
    texts = all_exports(client_for("netrc"), raw_request("GET", "/account"))
    assert texts["curl"].startswith("curl -n https://api.heroku.com/account")
    assert "Authorization" not in texts["curl"] and "Authorization" not in texts["httpie"]
    assert "httpx.NetRCAuth()" in texts["python"] and "HEROKU_API_KEY" not in texts["python"]
    assert_clean(texts, TOKEN)


@pytest.mark.parametrize("source", ["env", "option"])
def test_a_key_from_the_environment_or_the_option_stands_in_as_the_variable(source: str) -> None:
    texts = all_exports(client_for(source), raw_request("GET", "/account"))
    assert PLACEHOLDER in texts["curl"] and " -n " not in texts["curl"]
    assert 'Authorization:"Bearer $HEROKU_API_KEY"' in texts["httpie"]
    assert 'os.environ["HEROKU_API_KEY"]' in texts["python"] and "NetRC" not in texts["python"]
    assert_clean(texts, TOKEN)


def test_the_style_can_still_be_asked_for_and_anonymous_requests_get_none() -> None:
    assert " -n " not in client_for("netrc").export(raw_request("GET", "/apps"), auth="env")
    anonymous = HerokuClient("https://api.heroku.com", None, cache_dir=Path("/nonexistent"))
    for text in all_exports(anonymous, raw_request("GET", "/apps")).values():
        assert "Authorization" not in text and "-n" not in text.split()
        assert "NetRC" not in text


def test_a_sent_exchange_exports_like_its_spec() -> None:
    async def run() -> tuple[str, str]:
        transport = httpx.MockTransport(lambda r: httpx.Response(200, json={}))
        async with client_for("netrc", transport=transport) as client:
            spec = raw_request("PATCH", "/apps/x", {"name": "y"})
            exchange = await client.send(spec)
            return client.export(exchange), client.export(spec)

    import asyncio

    sent, planned = asyncio.run(run())
    assert sent == planned and sent.startswith("curl -n -X PATCH")


# -- tokens a person typed ------------------------------------------------------------


@pytest.mark.parametrize("name", ["api_key", "access_token", "apiKey", "password", "secret"])
def test_a_token_typed_in_the_query_is_scrubbed(name: str) -> None:
    texts = all_exports(client_for("netrc"), raw_request("GET", f"/apps?{name}={TYPED}&q=1"))
    assert_clean(texts, TYPED)
    assert f"{name}=[REDACTED]&q=1" in texts["curl"]
    assert texts["curl"].startswith("curl -n -g ")  # brackets are not curl's globbing


@pytest.mark.parametrize(("header", "variable"), [
    ("X-Api-Key", "X_API_KEY"), ("Cookie", "COOKIE"), ("X-Auth-Token", "X_AUTH_TOKEN"),
    ("X-Client-Secret", "X_CLIENT_SECRET"), ("X-Password", "X_PASSWORD"),
    ("Heroku-Two-Factor-Code", "HEROKU_TWO_FACTOR_CODE"),
])
def test_a_token_typed_in_a_header_is_read_from_a_variable(header: str, variable: str) -> None:
    spec = raw_request("GET", "/apps", headers=[(header, TYPED)])
    texts = all_exports(client_for("netrc"), spec)
    assert_clean(texts, TYPED)
    assert f'-H "{header}: ${variable}"' in texts["curl"]
    assert f'{header}:"${variable}"' in texts["httpie"]
    assert f'"{header}": os.environ["{variable}"]' in texts["python"]


def test_a_typed_authorization_becomes_the_placeholder() -> None:
    for creds_source in ("netrc", "env"):
        spec = raw_request("GET", "/account", headers=[("Authorization", f"Bearer {TYPED}")])
        texts = all_exports(client_for(creds_source), spec)
        assert_clean(texts, TYPED, TOKEN)
        assert texts["curl"].count("Authorization") == 1 and PLACEHOLDER in texts["curl"]
        assert " -n " not in texts["curl"] and "NetRC" not in texts["python"]


@pytest.mark.parametrize("body", [
    {"password": TYPED},
    {"current_password": TYPED, "new_password": TYPED + "2"},
    {"token": TYPED, "note": "keep me"},
    {"api_key": TYPED},
    {"client_secret": TYPED},
    {"outer": {"inner": [{"access_token": TYPED}]}},
])
def test_a_token_typed_in_the_body_is_scrubbed(body: dict[str, Any]) -> None:
    texts = all_exports(client_for("env"), raw_request("POST", "/oauth/authorizations", body))
    assert_clean(texts, TYPED)
    assert "[REDACTED]" in texts["curl"]
    if "note" in body:
        assert "keep me" in texts["curl"]


def test_a_typed_secret_is_scrubbed_wherever_else_it_appears() -> None:
    spec = raw_request("POST", f"/apps/{TYPED}?q={TYPED}",
                       {"password": TYPED, "description": f"was {TYPED}"},
                       headers=[("X-Api-Key", TYPED), ("X-Note", f"see {TYPED}")])
    assert_clean(all_exports(client_for("env"), spec), TYPED)


def test_the_sessions_own_token_goes_wherever_it_appears() -> None:
    odd = 'tok"en\\with\nodd-characters-0123'
    client = HerokuClient("https://api.heroku.com", Credentials(token=odd),
                          cache_dir=Path("/nonexistent"))
    spec = raw_request("POST", "/apps", {"note": odd, "list": [odd]})
    texts = all_exports(client, spec)
    assert_clean(texts, odd, json.dumps(odd)[1:-1])
    query = build_request(SPEC.action("app.info"), {"app_id_or_name": "a" + TOKEN[:20]})
    plain = client_for("env")
    for fmt in FORMATS:
        spec = raw_request("GET", f"/apps/{TOKEN}?name={TOKEN}", headers=[("X-Note", TOKEN)])
        assert TOKEN not in plain.export(spec, fmt)  # type: ignore[arg-type]
    assert "a" + TOKEN[:20] in plain.export(query)  # part of a token is not the token


def test_bare_exports_scrub_by_name_too() -> None:
    out = client_for("netrc").prepare(raw_request(
        "POST", f"/apps?api_key={TYPED}", {"password": TYPED}, [("X-Api-Key", TYPED)]))
    for fmt in FORMATS:
        assert TYPED not in export(out, fmt)  # type: ignore[arg-type]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="ascii", categories=("L", "N")), min_size=6,
               max_size=30).map(lambda s: "Q9" + s),  # nothing an export writes by itself
       st.sampled_from(["query", "header", "body", "authorization"]),
       st.sampled_from(["api_key", "access_token", "password", "X-Api-Key", "Cookie",
                        "refresh_token", "X-Secret"]),
       st.sampled_from(["netrc", "env", "option"]))
def test_no_typed_secret_survives_any_export(secret: str, where: str, name: str,
                                             source: str) -> None:
    if where == "query":
        spec = raw_request("GET", f"/apps?{name}={secret}")
    elif where == "header":
        header = name if name[0].isupper() else "X-" + name.replace("_", "-")
        spec = raw_request("GET", "/apps", headers=[(header, secret)])
    elif where == "body":
        spec = raw_request("POST", "/apps", {name: secret, "other": secret})
    else:
        spec = raw_request("GET", "/apps", headers=[("Authorization", f"Bearer {secret}")])
    assert_clean(all_exports(client_for(source), spec), secret, TOKEN)


# -- the sandbox ------------------------------------------------------------------------


async def test_exports_made_on_the_sandbox_target_the_real_api() -> None:
    transport = httpx.ASGITransport(app=create_app(SPEC))
    async with HerokuClient("http://sandbox.invalid", Credentials(SANDBOX_TOKEN),
                            transport=transport, cache_dir=Path("/nonexistent"),
                            sandbox=True) as client:
        spec = build_request(SPEC.action("region.list"), {})  # type: ignore[arg-type]
        exchange = await client.send(spec)
        assert exchange.status == 200
        for request in (spec, exchange):
            texts = all_exports(client, request)
            assert_clean(texts, SANDBOX_TOKEN, "sandbox.invalid")
            for text in texts.values():
                assert text.startswith(SANDBOX_NOTE + "\n")
                assert f"{LIVE_BASE_URL}/regions" in text
            assert PLACEHOLDER in texts["curl"] and "-n" not in texts["curl"].split()
            assert 'os.environ["HEROKU_API_KEY"]' in texts["python"]
        # a URL the person typed elsewhere is left as it is, with no token for it
        other = client.export(raw_request("GET", "http://127.0.0.2:9/x"))
        assert "http://127.0.0.2:9/x" in other and "Authorization" not in other


def test_exports_off_the_sandbox_say_nothing_about_it() -> None:
    text = client_for("env").export(raw_request("GET", "/apps"))
    assert SANDBOX_NOTE not in text and text.startswith("curl ")


# -- one Accept ---------------------------------------------------------------------------


def test_only_one_accept_header_is_written() -> None:
    typed = raw_request("GET", "/apps", headers=[("Accept", "application/json")])
    preview = unsent(typed, "https://api.heroku.com")
    assert [k for k, _ in preview.request_headers].count("Accept") == 1
    assert ("Accept", "application/json") in preview.request_headers
    prepared = client_for("env").prepare(typed)
    assert [k.lower() for k, _ in prepared.request_headers].count("accept") == 1
    doubled = Outgoing("GET", "https://api.heroku.com/apps",
                       (("Accept", "a/b"), ("accept", "c/d")), None, True)
    for fmt in FORMATS:
        text = export(doubled, fmt)  # type: ignore[arg-type]
        assert text.lower().count("accept") == 1 and "a/b" in text


def test_unsent_builds_the_url_as_the_client_does() -> None:
    spec = raw_request("POST", "/apps?x=1&y=a b", {"name": "n"})
    client = client_for("env")
    preview = unsent(spec, "https://api.heroku.com/", authenticated=True)
    assert preview == UnsentRequest(*(getattr(client.prepare(spec), f) for f in (
        "method", "url", "request_headers", "request_body", "authenticated")))


# -- the exports run ------------------------------------------------------------------------


@pytest.fixture
def echo_server() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    seen: list[dict[str, Any]] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            seen.append({"path": self.path, "headers": dict(self.headers.items()),
                         "body": self.rfile.read(length).decode()})
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        do_GET = do_POST = _answer

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", seen
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(shutil.which("curl") is None, reason="the curl binary is not installed")
def test_the_curl_export_runs_with_the_variables_set(
        echo_server: tuple[str, list[dict[str, Any]]], tmp_path: Path) -> None:
    base, seen = echo_server
    client = HerokuClient(base, Credentials(token=TOKEN, source="env"), cache_dir=tmp_path)
    spec = raw_request("POST", f"/apps?api_key={TYPED}&q=[1]", {"password": TYPED, "n": 1},
                       headers=[("X-Api-Key", TYPED)])
    command = client.export(spec)
    assert TYPED not in command and TOKEN not in command
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
           "HEROKU_API_KEY": "from-the-env", "X_API_KEY": "key-from-the-env"}
    done = subprocess.run(["bash", "-c", command + " --silent --show-error"], env=env,
                          capture_output=True, timeout=30, check=False)
    assert done.returncode == 0, done.stderr.decode()
    (got,) = seen
    assert got["headers"]["Authorization"] == "Bearer from-the-env"
    assert got["headers"]["X-Api-Key"] == "key-from-the-env"
    assert got["path"] == "/apps?api_key=[REDACTED]&q=%5B1%5D"
    assert json.loads(got["body"]) == {"password": "[REDACTED]", "n": 1}


@pytest.mark.parametrize("name", ["X-Api-Key", "X-$-Token", "X-!-Secret", "X-`-Auth",
                                  "X-'-Api-Key"])
def test_secret_header_placeholders_are_shell_safe(name: str) -> None:
    spec = raw_request("GET", "/apps", headers=[(name, TYPED)])
    texts = all_exports(client_for("netrc"), spec)
    assert_clean(texts, TYPED)
    variable = "".join(c if c.isalnum() else "_" for c in name).strip("_").upper()
    variable = "_".join(w for w in variable.split("_") if w)
    curl_words = shlex.split(texts["curl"].replace("\\\n", ""))
    assert f"{name}: ${variable}" in curl_words  # the name literal, the value expanded
    assert f"{name}:${variable}" in shlex.split(texts["httpie"])


def test_scrub_gives_the_request_without_its_secrets() -> None:
    out = client_for("env").prepare(raw_request(
        "POST", f"/apps/{TOKEN}?api_key={TYPED}", {"password": TYPED},
        [("X-Api-Key", TYPED), ("Authorization", f"Bearer {TYPED}")]))
    clean = scrub(out, [TOKEN])
    text = repr((clean.url, clean.request_headers, clean.request_body))
    assert TOKEN not in text and TYPED not in text
    assert ("X-Api-Key", "[REDACTED]") in clean.request_headers
    assert clean.method == "POST" and clean.url.startswith("https://api.heroku.com/apps/")
