"""The bundled 2013 schema: its size, its reproducibility and its facts."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT

BUNDLED = ROOT / "heroku_explorer" / "schema" / "bundled" / "resources-2013.json"
SCRIPT = ROOT / "scripts" / "build_bundled.py"
COMPLETION = ROOT / "scripts" / "bundled_completion.json"

EXPECTED_RESOURCES = 24
EXPECTED_ACTIONS = 74


def _load(path: Path) -> dict[str, Any]:
    data = json.loads(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def bundled() -> dict[str, Any]:
    return _load(BUNDLED)


@pytest.fixture(scope="module")
def completed_names() -> list[str]:
    return sorted(_load(COMPLETION)["resources"])


def _facts(resource: dict[str, Any]) -> dict[str, Any]:
    """A resource without its prose: the resource, action and attribute descriptions."""
    facts = {key: value for key, value in resource.items() if key != "description"}
    facts["actions"] = {
        name: {key: value for key, value in action.items() if key != "description"}
        for name, action in resource.get("actions", {}).items()
    }
    facts["attributes"] = {
        name: {key: value for key, value in attr.items() if key != "description"}
        for name, attr in resource.get("attributes", {}).items()
    }
    return facts


def _prose(resource: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    """Every description in a resource, with where it sits."""
    yield "description", resource.get("description")
    for name, action in resource.get("actions", {}).items():
        if "description" in action:
            yield f"actions/{name}/description", action["description"]
    for name, attr in resource.get("attributes", {}).items():
        yield f"attributes/{name}/description", attr.get("description")


def test_bundled_is_json_with_every_resource_and_action(bundled: dict[str, Any]) -> None:
    assert BUNDLED.read_bytes().endswith(b"\n")
    assert isinstance(bundled["description"], str) and bundled["description"]
    assert isinstance(bundled["overview"], dict) and bundled["overview"]
    resources = bundled["resources"]
    assert len(resources) == EXPECTED_RESOURCES
    assert sum(len(res["actions"]) for res in resources.values()) == EXPECTED_ACTIONS
    assert list(resources) == sorted(resources), "resources are listed alphabetically"
    for name, res in resources.items():
        assert set(res) >= {"actions", "attributes"}, name  # Account Password has no prose
        for action in res["actions"].values():
            assert {"method", "path", "statuses"} <= set(action), name
        for attr_name, attr in res["attributes"].items():
            assert isinstance(attr.get("description"), str) and attr["description"], (
                name, attr_name)


def test_completion_covers_only_resources_in_the_bundle(
    bundled: dict[str, Any], completed_names: list[str]
) -> None:
    assert completed_names
    for name in completed_names:
        assert name in bundled["resources"]


def test_rebuild_reproduces_the_bundled_file(seed_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "resources-2013.json"
    for _ in range(2):
        result = subprocess.run(
            [sys.executable, str(SCRIPT), "--seed", str(seed_path), "--out", str(out)],
            capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
        )
        assert result.returncode == 0, result.stderr
        assert out.read_bytes() == BUNDLED.read_bytes(), (
            "the committed bundle is stale: run python scripts/build_bundled.py")


def test_rebuild_fails_cleanly_on_a_missing_seed(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--seed", str(tmp_path / "absent.txt"),
         "--out", str(tmp_path / "out.json")],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert result.returncode == 1
    assert "build_bundled:" in result.stderr
    assert not (tmp_path / "out.json").exists()


def _without_rules(resource: dict[str, Any], name: str) -> dict[str, Any]:
    """A bundled resource less the rules the build adds (scripts/build_bundled.py RULES)."""
    rules = _build_rules().get(name, {})
    attrs = {
        attr: {k: v for k, v in body.items() if k not in rules.get(attr, {})}
        for attr, body in resource.get("attributes", {}).items()
    }
    return {**resource, "attributes": attrs}


def _build_rules() -> dict[str, dict[str, dict[str, str]]]:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import build_bundled
    finally:
        sys.path.remove(str(SCRIPT.parent))
    return build_bundled.RULES


def test_facts_equal_the_reference(bundled: dict[str, Any], ref_2013_path: Path) -> None:
    reference = _load(ref_2013_path)["resources"]
    assert list(bundled["resources"]) == list(reference)
    for name, ref_res in reference.items():
        ours = _without_rules(bundled["resources"][name], name)
        assert _facts(ours) == _facts(ref_res), name
        assert [where for where, _ in _prose(ours)] == [where for where, _ in _prose(ref_res)], name


def test_completed_prose_is_our_own(
    bundled: dict[str, Any], completed_names: list[str], ref_2013_path: Path
) -> None:
    reference = _load(ref_2013_path)["resources"]
    for name in completed_names:
        ref_prose = dict(_prose(reference[name]))
        for where, text in _prose(bundled["resources"][name]):
            assert isinstance(text, str) and text.strip(), (name, where)
            assert text != ref_prose.get(where), f"{name}/{where} repeats the reference wording"


def test_rules_are_todays_and_the_sandbox_enforces_them(
    bundled: dict[str, Any], ref_hyper_path: Path
) -> None:
    import httpx

    from heroku_explorer.sandbox import SANDBOX_TOKEN, create_app
    from heroku_explorer.schema import load_bundled

    today = _load(ref_hyper_path)["definitions"]
    pattern = today["app"]["definitions"]["name"]["pattern"]
    assert _build_rules()["App"]["name"]["pattern"] == pattern
    assert bundled["resources"]["App"]["attributes"]["name"]["pattern"] == pattern
    spec = load_bundled()
    name_attr = next(a for a in spec.resource("app").attributes  # type: ignore[union-attr]
                     if a.name == "name")
    assert name_attr.pattern == pattern

    async def post(name: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app(spec, seed=0))
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox.invalid",
                                     headers={"Authorization": f"Bearer {SANDBOX_TOKEN}",
                                              "Accept": "application/vnd.heroku+json; "
                                              "version=3"}) as http:
            return await http.post("/apps", json={"name": name})

    import asyncio

    bad = asyncio.run(post("Bad Name!"))
    assert bad.status_code == 422, bad.text
    assert "name" in bad.text
    assert asyncio.run(post("good-name-1")).status_code == 201
