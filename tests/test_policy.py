"""The rules of intent both front ends follow (heroku_explorer.policy)."""

from __future__ import annotations

from pathlib import Path

import pytest

from heroku_explorer.client.response import Exchange
from heroku_explorer.errors import Forbidden, RateLimited, RequestInvalid, ValidationError
from heroku_explorer.policy import (
    Drafts,
    describe_error,
    destruction,
    needs_confirmation,
    needs_second_factor,
    read_only_refusal,
    resend_refusal,
    revalidate_refusal,
)
from heroku_explorer.protocol import HeaderName
from heroku_explorer.request import RequestSpec, build_request, raw_request
from heroku_explorer.schema import load_bundled, load_path
from heroku_explorer.schema.model import Action, ApiSpec


@pytest.fixture(scope="module")
def modern(ref_hyper_path: Path) -> ApiSpec:
    return load_path(str(ref_hyper_path))


def _filled(action: Action, prefix: str = "v") -> RequestSpec:
    """The action's path with each placeholder replaced by ``<prefix>-<index>``."""
    path = action.path
    for i, param in enumerate(action.path_params):
        path = path.replace("{" + param.name + "}", f"{prefix}-{i}")
    return RequestSpec(action.method, path, action_id=action.id)


def _exchange(spec: RequestSpec, *, status: int = 200, etag: str | None = '"abc"',
              error: Exception | None = None) -> Exchange:
    return Exchange(method=spec.method, url="https://api.heroku.com" + spec.path,
                    request_headers=(), request_body=spec.body_bytes(), status=status,
                    etag=etag, spec=spec, error=error)  # type: ignore[arg-type]


def test_read_only() -> None:
    assert read_only_refusal(False, "DELETE") is None
    assert read_only_refusal(True, "GET") is None
    assert read_only_refusal(True, "head") is None
    refusal = read_only_refusal(True, "POST")
    assert refusal is not None and "read-only" in refusal and "POST" in refusal


def test_revalidate_only_repeats_a_get() -> None:
    get = RequestSpec("GET", "/apps/demo")
    post = RequestSpec("POST", "/apps", body={"name": "x"})
    assert revalidate_refusal(_exchange(get)) is None
    refusal = revalidate_refusal(_exchange(post, status=201))
    assert refusal is not None and "POST" in refusal and "repeat" in refusal
    assert revalidate_refusal(_exchange(get, etag=None)) is not None
    assert revalidate_refusal(None) is not None


def test_resend_refuses_redacted_secrets() -> None:
    assert resend_refusal("GET", "/apps", [("Accept", "x")], None) is None
    refusal = resend_refusal("GET", "/apps", [("Authorization", "[REDACTED]")], None)
    assert refusal is not None and "Authorization" in refusal
    assert resend_refusal("PATCH", "/account", [], b'{"password": "[REDACTED]"}') is not None
    assert resend_refusal("GET", "/apps?api_key=[REDACTED]", [], None) is not None


@pytest.mark.parametrize("schema", ["bundled", "modern"])
def test_every_delete_is_a_destruction(schema: str, modern: ApiSpec) -> None:
    spec = load_bundled() if schema == "bundled" else modern
    deletes = [a for a in spec.actions() if a.method == "DELETE"]
    assert deletes
    for action in deletes:
        request = _filled(action)
        found = destruction(action, request)
        assert found is not None, action.id
        if action.path_params:
            assert found.target == f"v-{len(action.path_params) - 1}"
        assert request.target in found.summary


@pytest.mark.parametrize("schema", ["bundled", "modern"])
def test_reads_destroy_nothing(schema: str, modern: ApiSpec) -> None:
    spec = load_bundled() if schema == "bundled" else modern
    for action in spec.actions():
        if action.method == "GET":
            assert destruction(action, _filled(action)) is None


def test_config_var_set_to_null(modern: ApiSpec) -> None:
    action = modern.action("config-var.update")
    assert action is not None
    keep = build_request(action, {"app_id_or_name": "demo", "FOO": "bar"})
    assert destruction(action, keep) is None
    drop = build_request(action, {"app_id_or_name": "demo", "DATABASE_URL": None})
    found = destruction(action, drop)
    assert found is not None and "DATABASE_URL" in found.what and found.target == "demo"


def test_formation_to_zero(modern: ApiSpec) -> None:
    action = modern.action("formation.update")
    assert action is not None
    one = build_request(action, {"app_id_or_name": "demo", "formation_id_or_type": "web",
                                 "quantity": 1})
    assert destruction(action, one) is None
    zero = build_request(action, {"app_id_or_name": "demo", "formation_id_or_type": "web",
                                  "quantity": 0})
    found = destruction(action, zero)
    assert found is not None and "web" in found.what and found.target == "demo"
    batch = modern.action("formation.batch-update")
    assert batch is not None
    many = build_request(batch, {"app_id_or_name": "demo",
                                 "updates": [{"type": "worker", "quantity": 0}]})
    found = destruction(batch, many)
    assert found is not None and "worker" in found.what


def test_raw_delete_and_sandbox_never_asks(modern: ApiSpec) -> None:
    raw = raw_request("DELETE", "/apps/demo", None, [])
    found = destruction(None, raw)
    assert found is not None and found.target == "demo"
    assert needs_confirmation("SANDBOX", None, raw) is None
    assert needs_confirmation("LIVE", None, raw) == found


def test_second_factor_asked_once() -> None:
    spec = RequestSpec("DELETE", "/apps/demo")
    err = Forbidden(403, "two_factor", "A second factor is required.")
    assert needs_second_factor(_exchange(spec, status=403, error=err), spec)
    again = spec.with_header(HeaderName.TWO_FACTOR, "123456")
    assert not needs_second_factor(_exchange(again, status=403, error=err), again)
    other = Forbidden(403, "forbidden", "no")
    assert not needs_second_factor(_exchange(spec, status=403, error=other), spec)


def test_describe_error_is_one_inert_sentence() -> None:
    limited = RateLimited(429, "rate_limit", "Your account reached the API limit.",
                          retry_after=12, remaining=0)
    text = describe_error(limited)
    assert text.count("12 s") == 1 and "429" in text
    hostile = Forbidden(403, "forbidden", "no\x1b]52;c;Y3VybA==\x07\nmore")
    shown = describe_error(hostile)
    assert "\x1b" not in shown and "\n" not in shown and "\\x1b" in shown
    invalid = RequestInvalid([ValidationError("app", "required")])
    assert describe_error(invalid).startswith("Not sent: app")
    assert "ZeroDivisionError" in describe_error(ZeroDivisionError("x"))


def test_drafts_are_per_action() -> None:
    drafts = Drafts()
    drafts.save("app.list", {}, {"if_match": True, "range": "id ..; max=2"})
    assert drafts.get("account.info").empty
    assert drafts.get("app.list").headers["range"] == "id ..; max=2"
    drafts.clear("app.list")
    assert drafts.peek("app.list") is None


def test_plain_writes_are_not_destructions(modern: ApiSpec) -> None:
    for action_id, values in (("app.create", {"name": "new-app"}),
                              ("app.update", {"app_id_or_name": "demo", "name": "renamed"})):
        action = modern.action(action_id)
        assert action is not None
        assert destruction(action, build_request(action, values)) is None, action_id
    reset = modern.action("password-reset.reset-password")
    if reset is not None:
        assert destruction(reset, _filled(reset)) is not None
