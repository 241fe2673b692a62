"""Cut, corrupt and mutate schemas: loading gives a model or a SchemaError, nothing else."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heroku_explorer.errors import SchemaError
from heroku_explorer.schema import ApiSpec, load_schema
from heroku_explorer.schema.loader import BUNDLED_NAME

BUNDLED = (
    Path(__file__).resolve().parent.parent / "heroku_explorer" / "schema" / "bundled" / BUNDLED_NAME
).read_bytes()

SMALL_HYPER: dict[str, Any] = {
    "$schema": "http://interagent.github.io/interagent-hyper-schema",
    "type": ["object"],
    "definitions": {
        "app": {
            "title": "Heroku Platform API - App",
            "description": "An app.",
            "stability": "production",
            "type": ["object"],
            "definitions": {
                "id": {"type": ["string"], "format": "uuid",
                       "example": "01234567-89ab-cdef-0123-456789abcdef"},
                "name": {"type": ["string"], "example": "example",
                         "pattern": "^[a-z][a-z0-9-]{1,28}[a-z0-9]$"},
                "identity": {"anyOf": [{"$ref": "#/definitions/app/definitions/id"},
                                       {"$ref": "#/definitions/app/definitions/name"}]},
            },
            "properties": {"id": {"$ref": "#/definitions/app/definitions/id"},
                           "name": {"$ref": "#/definitions/app/definitions/name"}},
            "links": [
                {"href": "/apps", "method": "POST", "rel": "create", "title": "Create",
                 "schema": {"properties": {"name": {"$ref": "#/definitions/app/definitions/name"}},
                            "type": ["object"]},
                 "targetSchema": {"$ref": "#/definitions/app"}},
                {"href": "/apps/{(%23%2Fdefinitions%2Fapp%2Fdefinitions%2Fidentity)}",
                 "method": "GET", "rel": "self", "title": "Info"},
                {"href": "/apps", "method": "GET", "rel": "instances", "title": "List",
                 "targetSchema": {"type": ["array"], "items": {"$ref": "#/definitions/app"}}},
            ],
        }
    },
    "properties": {"app": {"$ref": "#/definitions/app"}},
}
HYPER_BYTES = json.dumps(SMALL_HYPER).encode()


def _load(data: bytes, lenient: bool = False) -> None:
    try:
        spec = load_schema(data, origin="fuzz.json", lenient=lenient)
    except SchemaError as exc:
        assert exc.origin == "fuzz.json"
        assert str(exc)
    else:
        assert isinstance(spec, ApiSpec)


FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(BUNDLED)), lenient=st.booleans())
def test_cut_bundled(cut: int, lenient: bool) -> None:
    _load(BUNDLED[:cut], lenient)


@FUZZ
@given(cut=st.integers(min_value=0, max_value=len(HYPER_BYTES)), lenient=st.booleans())
def test_cut_hyper(cut: int, lenient: bool) -> None:
    _load(HYPER_BYTES[:cut], lenient)


@FUZZ
@given(pos=st.integers(min_value=0, max_value=len(BUNDLED) - 1), byte=st.integers(0, 255))
def test_corrupt_one_byte(pos: int, byte: int) -> None:
    _load(BUNDLED[:pos] + bytes([byte]) + BUNDLED[pos + 1 :], lenient=True)


@FUZZ
@given(data=st.binary(max_size=400))
def test_random_bytes(data: bytes) -> None:
    _load(data)
    _load(data, lenient=True)


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                 max_size=3),
    max_leaves=8,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out.extend(_paths(v, (*prefix, k)))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(_paths(v, (*prefix, i)))
    return out


def _mutate(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    doc = json.loads(json.dumps(doc))
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


HYPER_PATHS = _paths(SMALL_HYPER)
BUNDLED_DOC = json.loads(BUNDLED)
BUNDLED_PATHS = [p for p in _paths(BUNDLED_DOC) if len(p) <= 6]


@FUZZ
@given(index=st.integers(0, len(HYPER_PATHS) - 1), value=JSON_VALUES)
def test_mutate_hyper(index: int, value: Any) -> None:
    _load(json.dumps(_mutate(SMALL_HYPER, HYPER_PATHS[index], value)).encode())


@FUZZ
@given(index=st.integers(0, len(BUNDLED_PATHS) - 1), value=JSON_VALUES, lenient=st.booleans())
def test_mutate_bundled(index: int, value: Any, lenient: bool) -> None:
    _load(json.dumps(_mutate(BUNDLED_DOC, BUNDLED_PATHS[index], value)).encode(), lenient)


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        (b"", "empty"),
        (b"   \n", "empty"),
        (b"\x00\x01\x02binary", "binary"),
        (b"[1, 2]", "not a Heroku schema"),
        (b'{"hello": 1}', "not a Heroku schema"),
        (b'{"resources": {}', "line 1"),
    ],
)
def test_bad_files_name_the_problem(data: bytes, fragment: str) -> None:
    with pytest.raises(SchemaError) as info:
        load_schema(data, origin="bad.json")
    assert "bad.json" in str(info.value)
    assert fragment in str(info.value)
