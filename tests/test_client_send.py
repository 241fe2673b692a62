"""HerokuClient.send on httpx.MockTransport: one test per protocol rule."""

from __future__ import annotations

import os
import stat
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from heroku_explorer.client import Credentials, HerokuClient
from heroku_explorer.client.ranges import parse_content_range, parse_next_range
from heroku_explorer.errors import (
    ApiError,
    Forbidden,
    InvalidParams,
    NetworkError,
    NotFound,
    PreconditionFailed,
    RangeNotSatisfiable,
    RateLimited,
    RequestTimeout,
    ServerError,
    Unauthorized,
)
from heroku_explorer.request import raw_request
from tests.client_helpers import TOKEN, json_response, make_client


async def test_protocol_headers_and_bearer_token() -> None:
    client, rec = make_client(lambda r: json_response())
    async with client:
        await client.send(raw_request("PATCH", "/apps/x", {"name": "y"}))
        await client.send(raw_request("GET", "/apps"))
    patch, get = rec.requests
    assert patch.headers["Accept"] == "application/vnd.heroku+json; version=3"
    assert patch.headers["User-Agent"].startswith("heroku-explorer/")
    assert patch.headers["Content-Type"] == "application/json"
    assert patch.headers["Authorization"] == f"Bearer {TOKEN}"
    assert patch.content == b'{"name": "y"}'
    assert "Content-Type" not in get.headers
    assert str(get.url) == "https://api.heroku.com/apps"


async def test_variant_basic_auth_and_base_url_from_the_environment() -> None:
    client, rec = make_client(lambda r: json_response(), variant="3.sdk",
                              base_url=None, environ={"HEROKU_API_URL": "http://127.0.0.1:9/"})
    client.credentials = Credentials(token=TOKEN, login="me@example.com", scheme="basic")
    async with client:
        await client.send(raw_request("GET", "/account"))
    assert rec.last.headers["Accept"] == "application/vnd.heroku+json; version=3.sdk"
    assert str(rec.last.url) == "http://127.0.0.1:9/account"
    assert rec.last.headers["Authorization"].startswith("Basic ")
    assert HerokuClient(environ={}).base_url == httpx.URL("https://api.heroku.com")


async def test_no_credentials_sends_no_token() -> None:
    client, rec = make_client(lambda r: json_response(), token=None)
    async with client:
        ex = await client.send(raw_request("GET", "/apps"))
    assert "Authorization" not in rec.last.headers and not ex.authenticated


async def test_token_stays_on_the_api_host() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/away":
            return httpx.Response(302, headers={"Location": "https://evil.example.com/x"})
        if request.url.path == "/home":
            return httpx.Response(307, headers={"Location": "/apps"})
        return json_response()

    client, rec = make_client(handler)
    async with client:
        await client.send(raw_request("GET", "https://other.example.com/schema"))
        assert "Authorization" not in rec.last.headers
        ex = await client.send(raw_request("GET", "/away"))
        assert ex.url == "https://evil.example.com/x"
        assert "Authorization" not in rec.last.headers
        await client.send(raw_request("GET", "/home"))
        assert rec.last.headers["Authorization"] == f"Bearer {TOKEN}"
        await client.send(raw_request("GET", "http://api.heroku.com/apps"))
        assert "Authorization" not in rec.last.headers  # another scheme is another origin
    assert all(TOKEN not in v for _, v in ex.request_headers)


@pytest.mark.parametrize(("status", "cls"), [
    (400, ApiError), (401, Unauthorized), (403, Forbidden), (404, NotFound),
    (412, PreconditionFailed), (416, RangeNotSatisfiable), (422, InvalidParams),
    (429, RateLimited), (500, ServerError), (503, ServerError),
])
async def test_error_statuses_become_typed_errors(status: int, cls: type[ApiError]) -> None:
    body = {"id": "some_id", "message": "Something went wrong.", "url": "https://docs"}
    client, _ = make_client(lambda r: json_response(status, body, Request_Id="req-1"))
    async with client:
        ex = await client.send(raw_request("GET", "/apps"))
    assert type(ex.error) is cls and not ex.ok
    assert (ex.error.id, ex.error.url, ex.error.request_id) == ("some_id", "https://docs", "req-1")
    assert ex.error.message.startswith("Something went wrong.")
    with pytest.raises(cls):
        ex.raise_for_error()


async def test_412_and_416_are_explained() -> None:
    client, _ = make_client(lambda r: httpx.Response(
        412 if r.method == "PATCH" else 416, headers={"Accept-Ranges": "id, name"}))
    async with client:
        e412 = (await client.send(raw_request("PATCH", "/apps/x", {}))).error
        e416 = (await client.send(raw_request("GET", "/apps", headers={"Range": "size ..;"}))).error
    assert isinstance(e412, PreconditionFailed) and "changed since you last read it" in str(e412)
    assert isinstance(e416, RangeNotSatisfiable)
    assert "size ..;" in str(e416) and "id, name" in str(e416)


async def test_a_hostile_accept_ranges_is_never_a_sort_field_nor_written_raw() -> None:
    client, _ = make_client(lambda r: httpx.Response(
        416, headers={"Accept-Ranges": "\x1b[2J, name, \x1b]52;c;eA==\x07"}))
    async with client:
        ex = await client.send(raw_request("GET", "/apps", headers={"Range": "size ..;"}))
    assert ex.accept_ranges == ("name",)
    assert "\x1b" not in str(ex.error) and "name" in str(ex.error)


async def test_rate_limit_tracking_and_429() -> None:
    body = {"id": "rate_limit", "message": "Your account reached the API rate limit."}
    client, _ = make_client(lambda r: json_response(429, body, RateLimit_Remaining="0",
                                                    Retry_After="7", Request_Id="abc"))
    async with client:
        ex = await client.send(raw_request("GET", "/apps"))
    err = ex.error
    assert isinstance(err, RateLimited)
    assert (err.id, err.retry_after, err.remaining) == ("rate_limit", 7.0, 0)
    assert err.message.startswith(body["message"]) and "\n" not in str(err)
    assert client.ratelimit_remaining == 0 and ex.request_id == "abc"


async def test_retry_on_429_honours_retry_after() -> None:
    answers = iter([json_response(429, {"id": "rate_limit", "message": "wait"}, Retry_After="3"),
                    json_response(429, {"id": "rate_limit", "message": "wait"}),
                    json_response(200, RateLimit_Remaining="12")])
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    client, rec = make_client(lambda r: next(answers), sleep=sleep)
    async with client:
        ex = await client.send(raw_request("GET", "/apps"), retry_on_429=True)
    assert ex.ok and len(rec.requests) == 3 and slept == [3.0, 2.0]
    assert client.ratelimit_remaining == 12


async def test_retries_stop_when_spent() -> None:
    async def sleep(seconds: float) -> None:
        return None

    client, rec = make_client(lambda r: json_response(429, {"id": "rate_limit", "message": "x"}),
                              sleep=sleep)
    async with client:
        ex = await client.send(raw_request("GET", "/apps"), retry_on_429=True)
        assert isinstance(ex.error, RateLimited) and len(rec.requests) == 4
        await client.send(raw_request("GET", "/apps"))
        assert len(rec.requests) == 5  # no retry unless asked


async def test_request_id_warnings_and_ranges_are_captured() -> None:
    client, _ = make_client(lambda r: httpx.Response(206, json=[], headers=[
        ("Request-Id", "r-1"), ("Warning", '299 - "deprecated"'), ("X-Heroku-Warning", "hey"),
        ("Content-Range", "id a..b; max=2"), ("Next-Range", "id ]b..; max=2"),
        ("Accept-Ranges", "id, name"), ("ETag", '"e1"'), ("RateLimit-Remaining", "100")]))
    async with client:
        ex = await client.send(raw_request("GET", "/apps"))
    assert ex.request_id == "r-1" and ex.warnings == ('299 - "deprecated"', "hey")
    assert ex.content_range == "id a..b; max=2" and ex.next_range == "id ]b..; max=2"
    assert ex.accept_ranges == ("id", "name") and ex.etag == '"e1"'
    assert ex.ratelimit_remaining == 100 and ex.status == 206
    content_range = parse_content_range(ex.content_range)
    next_range = parse_next_range(ex.next_range)
    assert content_range is not None and content_range.max == 2
    assert next_range is not None and next_range.start_exclusive


@pytest.mark.parametrize(("content", "ctype", "state"), [
    (b'{"a": 1}', "application/json", "json"),
    (b"", "application/json", "empty"),
    (b"hello", "text/plain", "text"),
    (b"<html>oops</html>", "text/html", "text"),
    (b'{"a": ', "application/json", "non-json"),
    (b"\x89PNG", "image/png", "invalid-utf8"),
    (b"\xff\xfe\xfa", "application/json", "invalid-utf8"),
    (b"abc", "application/octet-stream", "non-json"),
])
async def test_body_states(content: bytes, ctype: str, state: str) -> None:
    client, _ = make_client(lambda r: httpx.Response(200, content=content,
                                                     headers={"Content-Type": ctype}))
    async with client:
        ex = await client.send(raw_request("GET", "/x"))
    assert ex.body_state == state and ex.size == len(content)
    if state == "json":
        assert ex.json() == {"a": 1}
    else:
        with pytest.raises(ValueError):
            ex.json()


@pytest.mark.parametrize("chunked", [False, True])
async def test_large_bodies_are_capped_in_memory_and_kept_whole_on_disk(chunked: bool) -> None:
    big = b'["' + b"x" * 5000 + b'"]'

    def handler(request: httpx.Request) -> httpx.Response:
        if chunked:
            async def parts() -> AsyncIterator[bytes]:
                yield big[:1000]
                yield big[1000:]

            return httpx.Response(200, content=parts(),
                                  headers={"Content-Type": "application/json"})
        return httpx.Response(200, content=big, headers={"Content-Type": "application/json"})

    client, _ = make_client(handler, display_cap=1024)
    async with client:
        ex = await client.send(raw_request("GET", "/big"))
        assert ex.body_state == "too-large" and ex.size == len(big) and len(ex.body) == 1024
        assert ex.body_path is not None
        assert Path(ex.body_path).read_bytes() == big == ex.full_body()
        assert stat.S_IMODE(os.stat(ex.body_path).st_mode) == 0o600
        assert ex.json() == ["x" * 5000]
    assert not Path(ex.body_path).exists()


async def test_large_body_files_go_even_when_closing_fails() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=b"x" * 5000)

    client, _ = make_client(handler, display_cap=1024)
    client.open()
    ex = await client.send(raw_request("GET", "/big"))
    assert ex.body_path is not None and Path(ex.body_path).exists()
    http = client._http
    assert http is not None

    async def broken() -> None:
        raise RuntimeError("the pool would not close")

    http.aclose = broken  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await client.aclose()
    assert not Path(ex.body_path).exists()


@pytest.mark.parametrize(("exc", "cls", "kind", "words"), [
    (httpx.ConnectError("[Errno 111] Connection refused"), NetworkError, "refused", "refused"),
    (httpx.ConnectError("[Errno -2] Name or service not known"), NetworkError, "dns",
     "does not resolve"),
    (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
     NetworkError, "tls", "secure connection"),
    (httpx.ConnectTimeout("timed out"), RequestTimeout, "connect-timeout", "took longer"),
    (httpx.ReadTimeout("timed out"), RequestTimeout, "timeout", "did not answer within 30"),
    (httpx.RemoteProtocolError("peer closed"), NetworkError, "reset", "closed before"),
    (httpx.ReadError("reset by peer"), NetworkError, "reset", "closed before"),
])
async def test_network_failures_become_one_plain_sentence(
        exc: Exception, cls: type[Exception], kind: str, words: str) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exc

    client, _ = make_client(handler)
    async with client:
        ex = await client.send(raw_request("GET", "/apps"))
    assert type(ex.error) is cls and ex.status is None
    assert getattr(ex.error, "kind", None) == kind
    text = str(ex.error)
    assert words in text and "api.heroku.com" in text and text.count(". ") == 0
    assert ex.summary == text


async def test_a_real_refused_connection() -> None:
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    async with HerokuClient(f"http://127.0.0.1:{port}", None, cache_dir=None) as client:
        ex = await client.send(raw_request("GET", "/apps"))
    assert isinstance(ex.error, NetworkError) and ex.error.kind == "refused"


async def test_method_override_on_the_wire() -> None:
    client, rec = make_client(lambda r: json_response())
    async with client:
        ex = await client.send(raw_request("DELETE", "/apps/x", method_override=True))
    assert rec.last.method == "POST"
    assert rec.last.headers["X-Http-Method-Override"] == "DELETE"
    assert ex.method == "POST"


async def test_a_closed_client_refuses_to_send() -> None:
    client, _ = make_client(lambda r: json_response())
    async with client:
        pass
    with pytest.raises(RuntimeError):
        await client.send(raw_request("GET", "/apps"))
