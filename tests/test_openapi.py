"""`schema --openapi`: the loaded schema (either format) as an OpenAPI 3.1 document that
openapi-spec-validator accepts, one operation per action."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from openapi_spec_validator import validate

from heroku_explorer.schema import ApiSpec, load_bundled, load_path
from heroku_explorer.schema.openapi import SERVER, to_openapi

ROOT = Path(__file__).resolve().parent.parent
METHODS = ("get", "put", "post", "patch", "delete")


def _plain(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as JSON text reads it back."""
    out: dict[str, Any] = json.loads(json.dumps(doc, default=str))
    return out


def _operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(path, method, op) for path, item in doc["paths"].items()
            for method, op in item.items() if method in METHODS]


def _specs(ref_hyper_path: Path, ref_2013_path: Path) -> dict[str, ApiSpec]:
    return {"bundled": load_bundled(), "hyper": load_path(ref_hyper_path),
            "2013": load_path(ref_2013_path)}


@pytest.fixture(scope="module")
def specs(ref_hyper_path: Path, ref_2013_path: Path) -> dict[str, ApiSpec]:
    return _specs(ref_hyper_path, ref_2013_path)


@pytest.mark.parametrize("name", ["bundled", "hyper", "2013"])
def test_the_document_is_valid_openapi_3_1(specs: dict[str, ApiSpec], name: str) -> None:
    doc = _plain(to_openapi(specs[name]))
    validate(doc)  # raises on any departure from OpenAPI 3.1
    assert doc["openapi"] == "3.1.0"
    assert doc["servers"] == [{"url": SERVER}]
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "An API key or OAuth token."}
    assert doc["security"] == [{"bearer": []}]


@pytest.mark.parametrize("name", ["bundled", "hyper", "2013"])
def test_every_action_has_its_operation_and_ids_are_unique_and_stable(
        specs: dict[str, ApiSpec], name: str) -> None:
    spec = specs[name]
    doc = _plain(to_openapi(spec))
    ops = _operations(doc)
    ids = [op["operationId"] for _, _, op in ops]
    assert len(ids) == len(set(ids))
    covered: set[str] = set()
    for _, _, op in ops:
        covered.add(op["operationId"])
        covered.update(a["id"] for a in op.get("x-heroku-actions", ()))
    assert covered == {a.id for a in spec.actions()}
    assert _plain(to_openapi(spec)) == doc  # the same document every time


def test_actions_sharing_a_method_and_path_are_one_operation_naming_each(
        specs: dict[str, ApiSpec]) -> None:
    spec = specs["hyper"]
    doc = _plain(to_openapi(spec))
    op = doc["paths"]["/apps/{app_id_or_name}/releases"]["post"]
    assert op["operationId"] == "release.create"
    assert [a["id"] for a in op["x-heroku-actions"]] == ["release.create", "release.rollback"]
    bodies = op["requestBody"]["content"]["application/json"]["schema"]["oneOf"]
    assert "release" in bodies[1]["properties"]


@pytest.mark.parametrize("name", ["bundled", "hyper", "2013"])
def test_path_parameters_match_each_template(specs: dict[str, ApiSpec], name: str) -> None:
    doc = _plain(to_openapi(specs[name]))
    for path, _, op in _operations(doc):
        slots = re.findall(r"\{([^{}]*)\}", path)
        named = [p["name"] for p in op.get("parameters", ()) if p.get("in") == "path"]
        assert sorted(named) == sorted(slots), (path, named)
        assert all(p["required"] for p in op["parameters"] if p.get("in") == "path")


def test_headers_bodies_and_answers_are_described(specs: dict[str, ApiSpec]) -> None:
    doc = _plain(to_openapi(specs["hyper"]))
    comp = doc["components"]
    assert {"ETag", "Next-Range", "Content-Range", "RateLimit-Remaining"} <= set(comp["headers"])
    assert {"Range", "If-None-Match", "If-Match"} <= set(comp["parameters"])

    listing = doc["paths"]["/apps"]["get"]
    refs = {p.get("$ref") for p in listing["parameters"]}
    assert {"#/components/parameters/Range", "#/components/parameters/If-None-Match"} <= refs
    partial = listing["responses"]["206"]
    assert partial["headers"]["Next-Range"] == {"$ref": "#/components/headers/Next-Range"}
    items = listing["responses"]["200"]["content"]["application/json"]["schema"]
    assert items["type"] == "array"
    assert items["items"] == {"$ref": "#/components/schemas/app"}
    assert "304" in listing["responses"]

    update = doc["paths"]["/apps/{app_id_or_name}"]["patch"]
    assert {"$ref": "#/components/parameters/If-Match"} in update["parameters"]
    body = update["requestBody"]["content"]["application/json"]["schema"]
    assert {"maintenance", "name"} <= set(body["properties"])
    assert body["properties"]["maintenance"]["type"] == "boolean"

    app = comp["schemas"]["app"]
    assert app["properties"]["id"]["format"] == "uuid"
    assert "RateLimit-Remaining" in update["responses"]["200"]["headers"]


def test_config_vars_are_a_map_whose_null_deletes(specs: dict[str, ApiSpec]) -> None:
    doc = _plain(to_openapi(specs["hyper"]))
    op = doc["paths"]["/apps/{app_id_or_name}/config-vars"]["patch"]
    body = op["requestBody"]["content"]["application/json"]["schema"]
    assert body["type"] == "object"
    assert "null" in body["additionalProperties"]["type"]


def _run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HEROKU_EXPLORER_OFFLINE": "1", "PYTHONPATH": str(ROOT),
           "HEROKU_EXPLORER_HOME": str(cwd / "home"), "HOME": str(cwd)}
    env.pop("HEROKU_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "heroku_explorer", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_command_writes_a_private_file_or_stdout(tmp_path: Path,
                                                     ref_2013_path: Path) -> None:
    done = _run("schema", "--schema", str(ref_2013_path), "--openapi", "api.json",
                cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    written = tmp_path / "api.json"
    assert written.stat().st_mode & 0o777 == 0o600
    doc = json.loads(written.read_text(encoding="utf-8"))
    validate(doc)
    assert doc == _plain(to_openapi(load_path(ref_2013_path)))

    out = _run("schema", "--schema", "bundled", "--openapi", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["paths"].keys() == doc["paths"].keys()


def test_a_file_that_cannot_be_written_is_one_sentence(tmp_path: Path) -> None:
    done = _run("schema", "--schema", "bundled", "--openapi", "missing/dir/x.json",
                cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip() == ("heroku-explorer: Cannot write missing/dir/x.json: "
                                   "No such file or directory.")


def test_outside_text_is_escaped_and_kept(tmp_path: Path, today: bytes) -> None:
    hostile = "Deploys \x1b[2J\x9b\u202eevil\u2028 apps"
    doc = json.loads(today)
    doc["definitions"]["app"]["description"] = hostile
    doc["definitions"]["app"]["links"][0]["title"] = "Create \x07\u2066"
    source = tmp_path / "hostile.json"
    source.write_text(json.dumps(doc), encoding="utf-8")
    done = _run("schema", "--schema", str(source), "--openapi", "out.json", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "out.json").read_text(encoding="utf-8")
    for raw in ("\x1b", "\x9b", "\u202e", "\u2028", "\x07", "\u2066"):
        assert raw not in text
    out = json.loads(text)
    validate(out)
    assert out["components"]["schemas"]["app"]["description"] == hostile
    assert any(op["summary"] == "Create \x07\u2066" for _, _, op in _operations(out))
