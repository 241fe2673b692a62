"""The fault server itself: each path produces the fault it promises (checked with raw httpx)."""

from __future__ import annotations

import json
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
