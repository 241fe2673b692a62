"""The change summary between two schemas, in either format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from heroku_explorer.cli import main
from heroku_explorer.schema import load_bundled, load_path, load_schema
from heroku_explorer.schema.diff import diff_specs


def _manifest(**app_attrs: dict[str, str]) -> dict[str, object]:
    attrs = {"id": {"type": "uuid", "description": "id"},
             "name": {"type": "string", "description": "name"}, **app_attrs}
    return {"resources": {"App": {
        "description": "an app", "attributes": attrs,
        "actions": {"Info": {"method": "GET", "path": "/apps/{app}", "statuses": [200],
                             "description": "info"}},
    }}}


def test_bundled_against_todays_reference(ref_hyper_path: Path) -> None:
    diff = diff_specs(load_bundled(), load_path(ref_hyper_path))
    assert diff.counts == ((24, 74), (100, 305))
    added = dict(diff.resources_added)
    assert {"pipeline", "build", "space", "team"} <= added.keys()
    app = next(r for r in diff.changed if r.key == "app")
    assert ("stack", "string", "object") in app.attributes_retyped
    assert ("build_stack.id", "string (uuid)") in app.attributes_added
    assert "enable-acm" in app.actions_added
    assert ("resource", "unstated", "production") in app.stability
    text = diff.summary()
    assert text.splitlines()[1].startswith("24 -> 100 resources, 74 -> 305 actions")
    assert "+ resource pipeline (5 actions)" in text


def test_a_schema_against_itself_has_no_changes(ref_hyper_path: Path) -> None:
    spec = load_path(ref_hyper_path)
    diff = diff_specs(spec, spec)
    assert not diff and diff.summary().splitlines()[1] == "No changes (100 resources, 305 actions)."


def test_removed_and_hostile_names_are_shown_literally() -> None:
    old = load_schema(json.dumps(_manifest()).encode(), origin="old")
    evil = "\x1b]0;pwned\x07x\u202e"
    new = load_schema(json.dumps(_manifest(**{evil: {"type": "string",
                                                     "description": "x"}})).encode(),
                      origin="new\x1b[2J")
    text = diff_specs(old, new).summary()
    assert "\x1b" not in text and "\u202e" not in text and "\x07" not in text
    assert "+ attribute" in text
    back = diff_specs(new, old)
    assert back.changed[0].attributes_removed and "- attribute" in back.summary()


def test_cli_diff_reads_both_formats(ref_hyper_path: Path, ref_2013_path: Path,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--diff", "bundled", str(ref_hyper_path)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"bundled:resources-2013.json -> {ref_hyper_path}\n")
    assert "~ attribute stack: string -> object" in out
    assert main(["schema", "--diff", str(ref_2013_path), "bundled"]) == 0
    assert "No changes (24 resources, 74 actions)." in capsys.readouterr().out


def test_cli_diff_of_a_missing_file_is_one_sentence(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema", "--diff", "bundled", str(tmp_path / "nope.json")]) == 2
    err = capsys.readouterr().err
    assert "no such file" in err and "Traceback" not in err
