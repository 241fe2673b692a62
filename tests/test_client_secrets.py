"""No file the client writes (history, schema cache, large-body files) and no export
contains the token, even when the server echoes it back."""

from __future__ import annotations

import base64
import tempfile
from pathlib import Path

import httpx
import pytest

from heroku_explorer.client import Credentials, HerokuClient, History, export
from heroku_explorer.request import raw_request
from tests.client_helpers import TOKEN


def echo(request: httpx.Request) -> httpx.Response:
    """A hostile server: puts the Authorization value everywhere it can."""
    auth = request.headers.get("Authorization", "")
    if request.url.path == "/schema":
        return httpx.Response(200, content=b'{"definitions": {}}', headers={"ETag": '"s"'})
    size = 5000 if request.url.path == "/big" else 10
    body = {"echo": auth, "token": TOKEN, "pad": "x" * size}
    return httpx.Response(200 if request.url.path != "/fail" else 422, json=body,
                          headers={"X-Echo": auth, "ETag": '"e"', "Request-Id": TOKEN})


@pytest.mark.parametrize("scheme", ["bearer", "basic"])
async def test_nothing_written_contains_the_token(tmp_path: Path, scheme: str,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HEROKU_EXPLORER_HOME", str(tmp_path / "home"))
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    creds = Credentials(token=TOKEN, login="me@example.com", scheme=scheme)  # type: ignore[arg-type]
    history = History()
    exports: list[str] = []
    async with HerokuClient("https://api.heroku.com", creds, history=history,
                            transport=httpx.MockTransport(echo), display_cap=1024) as client:
        for spec in (raw_request("GET", f"/apps?token={TOKEN}"),
                     raw_request("POST", "/apps", {"name": TOKEN}),
                     raw_request("GET", "/big"), raw_request("GET", "/fail")):
            ex = await client.send(spec)
            if spec.method == "GET":
                again = await client.revalidate(ex)
                assert again.request_id is not None
            for fmt in ("curl", "httpie", "python"):
                for auth in ("netrc", "env"):
                    exports.append(export(client.prepare(raw_request("GET", "/apps")), fmt,  # type: ignore[arg-type]
                                          auth=auth))  # type: ignore[arg-type]
                    exports.append(client.export(ex, fmt, auth=auth))  # type: ignore[arg-type]
                    exports.append(client.export(spec, fmt, auth=auth))  # type: ignore[arg-type]
            assert all(TOKEN not in v for _, v in ex.request_headers)
        await client.fetch_schema()
        forms = [TOKEN.encode(), base64.b64encode(f"me@example.com:{TOKEN}".encode())]
        # Large bodies live as long as their client: scanned now, gone after.
        spooled = list((tmp_path / "tmp").rglob("*.bin"))
        assert spooled, "the large body was not kept on disk"
        for path in spooled:
            assert not any(form in path.read_bytes() for form in forms), f"{path} has the token"
    assert not any(path.exists() for path in spooled)
    assert history.count() > 0
    written = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert any("schema" in str(p) for p in written)
    for path in written:
        data = path.read_bytes()
        for form in forms:
            assert form not in data, f"{path} contains a form of the token"
    for text in exports:
        assert TOKEN not in text and forms[1].decode() not in text
    assert TOKEN not in repr(creds)
