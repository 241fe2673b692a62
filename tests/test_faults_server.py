"""The fault server itself: each path produces the fault it promises (checked with raw httpx)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.faults import FaultServer, closed_port_url
from tests.faults.server import BIG_SIZE, HTML_ERROR_PAGE, fault_server


@pytest.fixture(scope="module")
def server() -> Iterator[FaultServer]:
    yield from fault_server()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=httpx.Timeout(5.0)) as client:
        yield client


def test_refused() -> None:
    with pytest.raises(httpx.ConnectError):
        httpx.get(closed_port_url() + "/apps", timeout=2)


def test_ok_and_recording(server: FaultServer, http: httpx.Client) -> None:
    before = len(server.requests)
    r = http.post(server.url + "/apps?x=1", json={"a": 1}, headers={"X-Probe": "yes"})
    assert r.status_code == 200 and r.json() == {"ok": True, "path": "/apps"}
    rec = server.requests[before]
    assert (rec.method, rec.path, rec.listener) == ("POST", "/apps", "main")
    assert rec.header("x-probe") == "yes" and json.loads(rec.body) == {"a": 1}
    assert rec.query == {"x": ["1"]}


def test_fault_selected_by_any_segment(server: FaultServer, http: httpx.Client) -> None:
    r = http.get(server.url + "/html-503/apps/example")
    assert r.status_code == 503 and r.content == HTML_ERROR_PAGE


def test_reset_mid_body(server: FaultServer, http: httpx.Client) -> None:
    with pytest.raises((httpx.ReadError, httpx.RemoteProtocolError)):
        http.get(server.url_for("reset"))


def test_hang_times_out(server: FaultServer) -> None:
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(server.url_for("hang"), timeout=0.3)


def test_trickle_never_ends(server: FaultServer) -> None:
    got = 0
    with (
        pytest.raises(httpx.ReadTimeout),
        httpx.stream("GET", server.url_for("trickle"),
                     timeout=httpx.Timeout(5.0, read=0.3)) as r,
    ):
        assert r.status_code == 200
        for chunk in r.iter_bytes():
            got += len(chunk)
            if got > 10:
                raise httpx.ReadTimeout("enough")
    assert got > 10


@pytest.mark.parametrize(
    ("fault", "status", "check"),
    [
        ("html-500", 500, lambda b: b.startswith(b"<!DOCTYPE html>")),
        ("invalid-json", 200, lambda b: b.startswith(b"{") and not b.endswith(b"}")),
        ("invalid-utf8", 200, lambda b: b"\xff" in b),
        ("empty", 200, lambda b: b == b""),
        ("rate-limit-no-retry", 429, lambda b: json.loads(b)["id"] == "rate_limit"),
        ("unauthorized", 401, lambda b: json.loads(b)["id"] == "unauthorized"),
        ("two-factor", 403, lambda b: json.loads(b)["id"] == "two_factor"),
    ],
)
def test_simple_faults(server: FaultServer, http: httpx.Client, fault: str, status: int,
                       check: object) -> None:
    r = http.get(server.url_for(fault))
    assert r.status_code == status
    assert callable(check) and check(r.content)


def test_invalid_json_and_utf8_really_are(server: FaultServer, http: httpx.Client) -> None:
    with pytest.raises(ValueError):
        json.loads(http.get(server.url_for("invalid-json")).content)
    with pytest.raises(UnicodeDecodeError):
        http.get(server.url_for("invalid-utf8")).content.decode("utf-8")


def test_rate_limit_headers(server: FaultServer, http: httpx.Client) -> None:
    r = http.get(server.url_for("rate-limit") + "?after=7")
    assert r.headers["Retry-After"] == "7" and r.headers["RateLimit-Remaining"] == "0"
    assert "Retry-After" not in http.get(server.url_for("rate-limit-no-retry")).headers


def test_two_factor_code_succeeds(server: FaultServer, http: httpx.Client) -> None:
    r = http.get(server.url_for("two-factor"), headers={"Heroku-Two-Factor-Code": "123456"})
    assert r.status_code == 200 and r.json()["two_factor"] == "accepted"


@pytest.mark.parametrize("fault", ["big", "big-chunked"])
def test_big_body_is_valid_json_of_the_promised_size(
    server: FaultServer, http: httpx.Client, fault: str
) -> None:
    size = 0
    head = tail = b""
    with http.stream("GET", server.url_for(fault)) as r:
        assert r.status_code == 200
        for chunk in r.iter_raw():
            if not head:
                head = chunk[:1]
            size += len(chunk)
            tail = (tail + chunk)[-2:]
    assert size == BIG_SIZE and head == b"[" and tail == b'"]'


def test_small_big_body_parses() -> None:
    with FaultServer() as small:
        small.big_size = 300_000
        data = httpx.get(small.url_for("big"), timeout=5).json()
        assert isinstance(data, list) and len(data) > 200


def test_redirect_lands_on_the_other_host(server: FaultServer, http: httpx.Client) -> None:
    r = http.get(server.url_for("redirect"))
    assert r.status_code == 302
    assert r.headers["Location"] == f"{server.other_url}/landing"
    assert server.other_url != server.url
    landed = httpx.get(r.headers["Location"], timeout=5)
    assert landed.json() == {"landed": True, "listener": "other"}
    assert server.requests_on("other")[-1].path == "/landing"


def test_schema_etag(server: FaultServer, http: httpx.Client) -> None:
    r = http.get(server.url_for("schema", other=True))
    assert r.status_code == 200 and r.headers["ETag"]
    again = http.get(server.url_for("schema", other=True),
                     headers={"If-None-Match": r.headers["ETag"]})
    assert again.status_code == 304


def test_keep_alive_is_one_connection() -> None:
    with FaultServer() as fresh, httpx.Client() as client:
        for _ in range(20):
            assert client.get(fresh.url + "/apps").status_code == 200
        assert fresh.connections() == 1


def test_stop_ends_stalled_connections() -> None:
    import threading

    fresh = FaultServer()
    fresh.start()
    errors: list[BaseException] = []

    def stalled() -> None:
        try:
            httpx.get(fresh.url_for("hang"), timeout=20)
        except httpx.HTTPError as exc:
            errors.append(exc)

    thread = threading.Thread(target=stalled)
    thread.start()
    import time

    for _ in range(100):
        if fresh.requests:
            break
        time.sleep(0.02)
    fresh.stop()
    thread.join(5)
    assert not thread.is_alive() and errors


# -- hostile answers ------------------------------------------------------------------------


def test_gzip_bomb_is_small_on_the_wire_and_inflates_to_a_gibibyte(server: FaultServer,
                                                                   http: httpx.Client) -> None:
    import zlib

    from tests.faults.server import BOMB_SIZE

    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    wire = inflated = 0
    with http.stream("GET", server.url_for("gzip-bomb")) as r:
        assert r.headers["Content-Encoding"] == "gzip"
        assert int(r.headers["Content-Length"]) < 2 * 1024 * 1024
        for raw in r.iter_raw():
            wire += len(raw)
            data = raw
            while data:
                out = inflate.decompress(data, 1 << 22)
                inflated += len(out)
                assert out.count(0) == len(out)
                data = inflate.unconsumed_tail
    assert wire == int(r.headers["Content-Length"])
    assert inflate.eof and inflated == BOMB_SIZE  # the trailer's CRC and size checked


def test_gzip_trickle_is_slow_gzip(server: FaultServer, http: httpx.Client) -> None:
    import zlib

    inflate = zlib.decompressobj(zlib.MAX_WBITS | 16)
    text = b""
    t0 = time.monotonic()
    with http.stream("GET", server.url_for("gzip-trickle") + "?interval=0.2&seconds=0.7") as r:
        assert r.headers["Content-Encoding"] == "gzip"
        for raw in r.iter_raw():
            text += inflate.decompress(raw)
    assert time.monotonic() - t0 > 0.6
    assert inflate.eof and len(json.loads(text)) >= 3


def test_hostile_headers_arrive_raw(server: FaultServer, http: httpx.Client) -> None:
    from tests.faults.server import OSC52

    r = http.get(server.url_for("osc52-headers"))
    assert r.headers["Request-Id"] == f"req-{OSC52}-1" and OSC52 in r.headers["Warning"]
    assert "\x1b" in r.headers["Request-Id"]
    bad = http.get(server.url_for("bad-ratelimit"))
    assert bad.headers["RateLimit-Remaining"].encode("latin-1") == b"\xb2"
    page = http.get(server.url_for("bad-next-range"))
    assert page.status_code == 206
    assert page.headers["Next-Range"].encode("latin-1") == b"id ]a..; max=\xb2"
    many = http.get(server.url_for("bad-headers"))
    assert len(many.headers.get_list("Request-Id")) == 2 and "\x1b" in many.headers["ETag"]
    assert many.headers["Retry-After"] == "garbage"


def test_escapes_and_depth(server: FaultServer, http: httpx.Client) -> None:
    from tests.faults.server import DEEP_JSON

    error = http.get(server.url_for("error-escapes"))
    assert error.status_code == 500 and "\x1b]52;c;" in error.json()["message"]
    text = http.get(server.url_for("text-escapes"))
    assert text.headers["Content-Type"].startswith("text/plain") and "\x1b[2J" in text.text
    deep = http.get(server.url_for("deep-json"))
    assert deep.content == DEEP_JSON and len(deep.content) == 6000
    with pytest.raises(RecursionError):
        json.loads(deep.content)


def test_echo_token_splits_the_credential(server: FaultServer) -> None:
    token = "tok-SECRET-4f1e9a"
    chunks: list[bytes] = []
    with httpx.Client(timeout=5) as client, client.stream(
            "GET", server.url_for("echo-token"), headers={"Authorization": f"Bearer {token}"}
    ) as r:
        assert r.headers["X-Echo"] == f"Bearer {token}"
        chunks.extend(r.iter_raw())
    body = b"".join(chunks)
    assert body.count(token.encode()) == 1  # once whole (split across writes)...
    assert b"tok-SECR\nET-4f1e9a" in body  # ...and once broken by a line break
