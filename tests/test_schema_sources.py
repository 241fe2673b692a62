"""Every schema source the app knows, held to the same invariants of the model."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from heroku_explorer.cli import main
from heroku_explorer.schema import ApiSpec, load_bundled, load_path

SLOT = re.compile(r"\{([^{}]+)\}")

# (fixture or None for bundled, lenient, resources, actions)
SOURCES = [
    ("bundled", False, 24, 74),
    ("seed_path", True, 17, 53),
    ("ref_2013_path", False, 24, 74),
    ("ref_hyper_path", False, 100, 305),
    ("ref_sdk_path", False, 118, 338),
]


def _load(request: pytest.FixtureRequest, source: str, lenient: bool) -> ApiSpec:
    if source == "bundled":
        return load_bundled()
    path: Path = request.getfixturevalue(source)
    return load_path(path, lenient=lenient)


@pytest.mark.parametrize(("source", "lenient", "n_res", "n_act"), SOURCES)
def test_counts_slots_and_docs(
    request: pytest.FixtureRequest, source: str, lenient: bool, n_res: int, n_act: int
) -> None:
    spec = _load(request, source, lenient)
    assert len(spec.resources) == n_res
    assert spec.action_count == n_act
    ids = [a.id for a in spec.actions()]
    assert len(ids) == len(set(ids)), "action ids are unique"
    for action in spec.actions():
        slots = SLOT.findall(action.path)
        assert slots == [p.name for p in action.path_params], action.id
        assert "%23" not in action.path and "%2F" not in action.path
        assert action.method in {"GET", "POST", "PATCH", "PUT", "DELETE"}
        assert action.statuses, action.id
        for param in action.path_params:
            assert param.required and param.location == "path"
        for param in action.body_params + action.query_params:
            doc = param.doc
            assert doc.types or doc.alternatives or doc.children or doc.ref, (action.id, param)
            described = (
                doc.description
                or (doc.items is not None and doc.items.description)
                or any(a.description for a in doc.alternatives)
                or any(c.description for c in doc.children)
            )
            # The modern schema leaves a few body fields undescribed (filter-apps "in");
            # the 2013 manifests describe every one.
            if spec.source.format == "resources-2013":
                assert described, f"{action.id}: body param {param.name} has no description"
    assert spec.overview, "the schema's own docs are part of the model"


def test_bundled_has_the_seed_overview() -> None:
    spec = load_bundled()
    titles = [s.title for s in spec.overview]
    for title in ("Authentication", "Caching", "Ranges", "Limits", "Statuses"):
        assert title in titles
    statuses = spec.doc("Statuses")
    assert statuses is not None and statuses.rows and "429" in statuses.markdown


def test_schema_command_tree(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    out = capsys.readouterr().out
    assert "GET    /apps/{app_id_or_name}  Info" in out
    assert out.rstrip().endswith("24 resources, 74 actions (resources-2013, "
                                 "bundled:resources-2013.json)")


def test_schema_command_json_is_stable(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format_version"] == 1
    assert data["counts"] == {"resources": 24, "actions": 74, "warnings": 0}
    app = next(r for r in data["resources"] if r["key"] == "app")
    info = next(a for a in app["actions"] if a["key"] == "info")
    assert info["path"] == "/apps/{app_id_or_name}"
    assert info["params"][0]["identifies"] == "app"


def test_schema_command_errors_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], seed_path: Path
) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"resources": {"App": [}')
    assert main(["schema", "--schema", str(bad)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "line 1, column" in err and "Traceback" not in err
    assert main(["schema", "--schema", str(tmp_path / "missing.json")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["schema", "--schema", str(seed_path)]) == 2
    assert "--lenient" in capsys.readouterr().err
    assert main(["schema", "--lenient", "--schema", str(seed_path)]) == 0
    assert "dropped (2)" in capsys.readouterr().out
