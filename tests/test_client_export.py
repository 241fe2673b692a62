"""Exports: Heroku's docs style, built from exactly what is sent, never the token."""

from __future__ import annotations

import shlex

import pytest

from heroku_explorer.client import Credentials, HerokuClient, export, to_curl, to_httpie, to_python
from heroku_explorer.request import raw_request
from tests.client_helpers import TOKEN

ACCEPT = "application/vnd.heroku+json; version=3"


def prepared(method: str, path: str, body: object = None, headers: tuple = (), **kw: object):  # type: ignore[no-untyped-def]
    client = HerokuClient("https://api.heroku.com", Credentials(token=TOKEN), cache_dir=None)
    return client.prepare(raw_request(method, path, body, headers, **kw))  # type: ignore[arg-type]


def test_curl_in_herokus_docs_style() -> None:
    out = prepared("PATCH", "/apps/example", {"name": "renamed"})
    assert to_curl(out) == (
        "curl -n -X PATCH https://api.heroku.com/apps/example \\\n"
        """  -d '{"name": "renamed"}' \\\n"""
        '  -H "Content-Type: application/json" \\\n'
        f'  -H "Accept: {ACCEPT}"'
    )
    get = prepared("GET", "/account")
    assert to_curl(get, multiline=False) == (
        f'curl -n https://api.heroku.com/account -H "Accept: {ACCEPT}"')


def test_curl_quotes_what_the_shell_would_expand() -> None:
    out = prepared("POST", "/apps?x=1&y=2", {"note": "it's $HOME `x`"},
                   headers=(("If-Match", '"etag"'), ("Range", "id ..; max=5")))
    text = to_curl(out, auth="env")
    words = shlex.split(text.replace("\\\n", ""))
    assert words[:4] == ["curl", "-X", "POST", "https://api.heroku.com/apps?x=1&y=2"]
    assert words[words.index("-d") + 1] == """{"note": "it's $HOME `x`"}"""
    assert "If-Match: \"etag\"" in words and "Range: id ..; max=5" in words
    assert '-H "Authorization: Bearer $HEROKU_API_KEY"' in text and "-n" not in words


def test_method_override_is_exported_as_sent() -> None:
    out = prepared("DELETE", "/apps/x", method_override=True)
    text = to_curl(out)
    assert "-X POST" in text and '-H "X-Http-Method-Override: DELETE"' in text


def test_httpie_and_python() -> None:
    out = prepared("PATCH", "/apps/example", {"name": "renamed"})
    httpie = to_httpie(out, auth="env")
    words = shlex.split(httpie)
    assert words[:4] == ["http", "--ignore-stdin", "--raw", '{"name": "renamed"}']
    assert words[4:6] == ["PATCH", "https://api.heroku.com/apps/example"]
    assert f"Accept:{ACCEPT}" in words and 'Authorization:"Bearer $HEROKU_API_KEY"' in httpie
    code = to_python(out)
    compile(code, "<export>", "exec")
    assert "httpx.NetRCAuth()" in code and 'content="{\\"name\\": \\"renamed\\"}"' in code
    env_code = to_python(out, auth="env")
    compile(env_code, "<export>", "exec")
    assert 'os.environ["HEROKU_API_KEY"]' in env_code
    assert export(out, "httpie") == to_httpie(out)
    with pytest.raises(ValueError):
        export(out, "wget")  # type: ignore[arg-type]


def test_no_export_contains_the_token() -> None:
    out = prepared("POST", "/apps", {"name": "x"}, headers=(("Heroku-Two-Factor-Code", "123456"),))
    for auth in ("netrc", "env"):
        for fmt in ("curl", "httpie", "python"):
            text = export(out, fmt, auth=auth)  # type: ignore[arg-type]
            assert TOKEN not in text and "123456" not in text


def test_unauthenticated_requests_get_no_auth_flag() -> None:
    client = HerokuClient("http://127.0.0.1:5000", None, cache_dir=None)
    out = client.prepare(raw_request("GET", "/apps"))
    assert " -n " not in to_curl(out) and "Authorization" not in to_curl(out, auth="env")
    assert "NetRCAuth" not in to_python(out)
