"""Credentials discovery and where the token may go."""

from __future__ import annotations

import base64
from pathlib import Path

import httpx

from heroku_explorer.client import Credentials, describe, discover, same_origin

NETRC = "machine api.heroku.com\n  login me@example.com\n  password netrc-token\n"


def netrc_file(tmp_path: Path, text: str = NETRC) -> Path:
    path = tmp_path / ".netrc"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_discovery_order(tmp_path: Path) -> None:
    rc = netrc_file(tmp_path)
    env = {"HEROKU_API_KEY": "env-token"}
    explicit = discover("opt-token", env, rc)
    assert explicit is not None and (explicit.token, explicit.source) == ("opt-token", "option")
    from_env = discover(None, env, rc)
    assert from_env is not None and (from_env.token, from_env.source) == ("env-token", "env")
    from_rc = discover(None, {}, rc)
    assert from_rc is not None
    assert (from_rc.token, from_rc.login, from_rc.source) == ("netrc-token", "me@example.com",
                                                              "netrc")
    assert discover(None, {}, tmp_path / "missing") is None
    assert discover(None, {}, rc, host="api.example.com") is None
    assert discover("  ", {"HEROKU_API_KEY": " "}, tmp_path / "missing") is None


def test_netrc_from_home_and_broken_files(tmp_path: Path) -> None:
    netrc_file(tmp_path)
    found = discover(None, {"HOME": str(tmp_path)})
    assert found is not None and found.source == "netrc"
    broken = netrc_file(tmp_path, "machine api.heroku.com login\n")
    assert discover(None, {}, broken) is None


def test_repr_and_describe_hide_the_token() -> None:
    creds = Credentials(token="super-secret-token", login="me@example.com", source="env")
    for text in (repr(creds), str(creds), describe(creds), repr([creds])):
        assert "super-secret-token" not in text
    assert "HEROKU_API_KEY" in describe(creds)
    assert "sandbox" in describe(None)


def test_bearer_and_basic_headers() -> None:
    bearer = Credentials(token="t0k")
    assert bearer.authorization == "Bearer t0k"
    basic = Credentials(token="t0k", login="me@example.com", scheme="basic")
    encoded = basic.authorization.removeprefix("Basic ")
    assert base64.b64decode(encoded) == b"me@example.com:t0k"
    assert "t0k" in basic.secrets and encoded in basic.secrets
    assert len(bearer.identity) == 16 and "t0k" not in bearer.identity


def test_same_origin() -> None:
    api = httpx.URL("https://api.heroku.com")
    assert same_origin(httpx.URL("https://api.heroku.com:443/apps"), api)
    assert not same_origin(httpx.URL("http://api.heroku.com/apps"), api)
    assert not same_origin(httpx.URL("https://api.heroku.com.evil.com/"), api)
    assert not same_origin(httpx.URL("https://api.heroku.com:8443/"), api)


async def test_a_typed_authorization_header_replaces_the_token() -> None:
    import httpx

    from heroku_explorer.client import Credentials, HerokuClient
    from heroku_explorer.request import raw_request

    seen: list[list[str]] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers.get_list("authorization"))
        return httpx.Response(200, json={})

    async with HerokuClient("https://api.heroku.com", Credentials("tok-1"),
                            transport=httpx.MockTransport(handler), cache_dir=None) as client:
        await client.send(raw_request("GET", "/account", headers=(("Authorization",
                                                                    "Bearer other"),)))
        await client.send(raw_request("GET", "/account"))
    assert seen == [["Bearer other"], ["Bearer tok-1"]]
