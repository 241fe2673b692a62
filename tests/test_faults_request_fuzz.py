"""Bad input to the request builder: values of every wrong type give only the documented
validation errors (:class:`RequestInvalid` made of :class:`ValidationError`, each naming a
field), and whatever it accepts can really be sent (JSON without NaN, one-line headers)."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heroku_explorer.errors import RequestInvalid, ValidationError
from heroku_explorer.request import OMITTED, build_request, coerce_text, raw_request
from heroku_explorer.schema import Action, ApiSpec, load_bundled, load_path

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference"
#: FUZZ_EXAMPLES=2000 for a deep run; the suite's default keeps it to a few seconds.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None,
                derandomize=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _specs() -> list[ApiSpec]:
    specs = [load_bundled()]
    hyper = REFERENCE / "heroku-platform-api-schema.json"
    if hyper.exists():
        specs.append(load_path(hyper))
    return specs


SPECS = _specs()
ACTIONS: list[Action] = [a for spec in SPECS for a in spec.actions()]
# every action with a body or a parameter, plus a handful without
INTERESTING = [a for a in ACTIONS if a.params or a.body is not None]

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=30)
    | st.sampled_from(["", " ", "null", "true", "\r\nX-Injected: 1", "../../etc", "%2F", "{}",
                       "01234567-89ab-cdef-0123-456789abcdef", "2012-01-01T12:00:00Z",
                       "user@example.com", "\x00", "caf\udce9"])
)
wrong = (
    st.binary(max_size=10)
    | st.frozensets(st.integers(), max_size=3)
    | st.sets(st.text(max_size=3), max_size=3)
    | st.complex_numbers(allow_nan=True)
    | st.decimals(allow_nan=True)
    | st.datetimes()
    | st.dates()
    | st.builds(object)
    | st.just(OMITTED)
    | st.just(Ellipsis)
    | st.just(dt.timedelta(seconds=1))
)
values = st.recursive(
    scalars | wrong,
    lambda kids: (
        st.lists(kids, max_size=3)
        | st.tuples(kids, kids)
        | st.dictionaries(st.text(max_size=6) | st.integers() | st.none(), kids, max_size=3)
    ),
    max_leaves=8,
)


def _attempt(build: Any) -> Any:
    """Run ``build()``: its result, or ``None`` after checking the RequestInvalid it raised.
    Any other exception fails the test."""
    try:
        return build()
    except RequestInvalid as err:
        _check_invalid(err)
        return None


def _check_invalid(err: RequestInvalid) -> None:
    assert err.errors, "RequestInvalid without any error"
    for item in err.errors:
        assert isinstance(item, ValidationError)
        assert isinstance(item.field, str)  # empty only when the key typed was empty
        assert isinstance(item.message, str) and item.message
    assert str(err)


def _check_sendable(spec: Any) -> None:
    assert isinstance(spec.path, str) and "{" not in spec.path.split("?")[0].replace("%7B", "")
    assert all(ord(c) < 128 for c in spec.path), f"path not percent-encoded: {spec.path!r}"
    for name, value in spec.headers:
        assert isinstance(name, str) and isinstance(value, str)
        assert "\r" not in value and "\n" not in value
    assert isinstance(spec.target, str)
    if spec.body is not None:
        json.dumps(spec.body, allow_nan=False)  # raises on sets, bytes, NaN...
        assert spec.body_bytes() is not None


@st.composite
def action_and_values(draw: st.DrawFn) -> tuple[Action, dict[Any, Any]]:
    action = draw(st.sampled_from(INTERESTING))
    names = [p.name for p in action.params]
    chosen = draw(st.lists(st.sampled_from(names), unique=True)) if names else []
    vals: dict[Any, Any] = {name: draw(values) for name in chosen}
    if draw(st.booleans()):
        vals[draw(st.text(max_size=8) | st.integers())] = draw(values)
    return action, vals


@FUZZ
@given(case=action_and_values())
def test_build_request_wrong_types_only_validation_errors(
    case: tuple[Action, dict[Any, Any]],
) -> None:
    action, vals = case
    spec = _attempt(lambda: build_request(action, vals))
    if spec is not None:
        _check_sendable(spec)


@FUZZ
@given(case=action_and_values(), headers=st.lists(st.tuples(values, values), max_size=3),
       rng=st.none() | st.text(max_size=30) | st.sampled_from(["id ..; max=5000", "name ]a..z["]),
       etag=st.none() | st.text(max_size=10))
def test_build_request_headers_and_ranges(
    case: tuple[Action, dict[Any, Any]], headers: list[tuple[Any, Any]], rng: str | None,
    etag: str | None,
) -> None:
    action, vals = case
    spec = _attempt(lambda: build_request(action, vals, headers=headers, range=rng,
                                          if_match=etag, if_none_match=etag,
                                          method_override=True))
    if spec is not None:
        _check_sendable(spec)


@pytest.mark.parametrize("action", INTERESTING[:: max(1, len(INTERESTING) // 40)],
                         ids=lambda a: a.id)
def test_every_param_with_each_wrong_type(action: Action) -> None:
    """Deterministic sweep: every parameter of a sample of actions gets each wrong type."""
    samples: list[Any] = [None, True, -1, 1.5, float("nan"), float("inf"), "", "\r\n", b"\xff",
                          {1: 2}, {"a": {1}}, [object()], (1, 2), {"x"}, decimal.Decimal("1.1"),
                          dt.datetime(2020, 1, 1), complex(1, 2), 10**30]
    for param in action.params:
        for sample in samples:
            spec = _attempt(lambda s=sample, p=param: build_request(action, {p.name: s}))
            if spec is not None:
                _check_sendable(spec)


@FUZZ
@given(action=st.sampled_from(INTERESTING), text=st.text(max_size=40))
def test_coerce_text_only_validation_errors(action: Action, text: str) -> None:
    for param in action.params[:4]:
        try:
            coerce_text(param, text)
        except ValidationError as err:
            assert err.field == param.name and err.message


@FUZZ
@given(method=st.text(max_size=8) | st.sampled_from(["GET", "patch", " DELETE "]),
       path=st.text(max_size=30) | st.sampled_from(["/apps", "/apps?x=1&y", "http://h/x"]),
       body=values | st.text(max_size=20) | st.binary(max_size=20),
       headers=st.lists(st.tuples(values, values), max_size=2))
def test_raw_request_only_validation_errors(
    method: str, path: str, body: Any, headers: list[tuple[Any, Any]]
) -> None:
    spec = _attempt(lambda: raw_request(method, path, body, headers))
    if spec is not None:
        _check_sendable(spec)


# -- bugs these tests found once, pinned -----------------------------------------------


def _action(spec_index: int, action_id: str) -> Action:
    if spec_index >= len(SPECS):
        pytest.skip("the modern Hyper-Schema is not in ../shared/reference")
    action = SPECS[spec_index].action(action_id)
    assert action is not None
    return action


APP_ID = "01234567-89ab-cdef-0123-456789abcdef"


def test_map_body_non_string_key() -> None:
    """A free-form map body with a key pattern, given a key that is not a string."""
    action = _action(1, "config-var.update")
    with pytest.raises(RequestInvalid):
        build_request(action, {"app_id_or_name": APP_ID, 1: "v"})


@pytest.mark.parametrize(
    ("spec_index", "action_id", "vals"),
    [
        (0, "account.update", {"extra": b"x"}),
        (0, "account.update", {"extra": {1, 2}}),
        (0, "account.update", {"extra": float("nan")}),
        (1, "app-setup.create", {"source_blob": {"extra": object()}}),
    ],
    ids=["top-bytes", "top-set", "top-nan", "nested-object"],
)
def test_unchecked_value_not_json(spec_index: int, action_id: str, vals: dict[str, Any]) -> None:
    """Unknown keys of a body (or nested object) that is not strict still get checked:
    a value JSON cannot write is refused, not sent."""
    action = _action(spec_index, action_id)
    with pytest.raises(RequestInvalid):
        spec = build_request(action, vals)
        json.dumps(spec.body, allow_nan=False)


def test_path_value_with_surrogate() -> None:
    """A lone surrogate (what undecodable terminal bytes become) in a path value."""
    action = _action(0, "app.info")
    with pytest.raises(RequestInvalid):
        build_request(action, {"app_id_or_name": "caf\udce9"})


def test_query_object_with_bytes() -> None:
    """A query parameter given an object holding bytes: refused, not serialised."""
    action = _action(1, "team-daily-usage.info")
    with pytest.raises(RequestInvalid):
        build_request(action, {"team_id": APP_ID, "start": {"a": b""}})
