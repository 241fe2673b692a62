"""JSON-aware diffs of two answers (heroku_explorer.answer_diff)."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from heroku_explorer import answer_diff
from heroku_explorer.answer_diff import Change, diff


def test_objects_by_key_path() -> None:
    old = {"name": "a", "owner": {"email": "x@example.com"}, "gone": 1}
    new = {"name": "b", "owner": {"email": "x@example.com", "id": "u"}, "new key": True}
    assert diff(old, new) == [
        Change(".gone", "removed", old=1),
        Change(".name", "changed", old="a", new="b"),
        Change(".owner.id", "added", new="u"),
        Change('["new key"]', "added", new=True),
    ]


def test_lists_of_objects_are_matched_by_id() -> None:
    old = [{"id": "1", "name": "a"}, {"id": "2", "name": "b"}, {"id": "3", "name": "c"}]
    new = [{"id": "3", "name": "c"}, {"id": "1", "name": "A"}, {"id": "4", "name": "d"}]
    found = diff(old, new)
    assert Change("[id=2]", "removed", old={"id": "2", "name": "b"}) in found
    assert Change("[id=4]", "added", new={"id": "4", "name": "d"}) in found
    assert Change("[id=1].name", "changed", old="a", new="A") in found
    assert len(found) == 3  # reordering alone is no change


def test_lists_without_ids_by_index() -> None:
    assert diff([1, 2, 3], [1, 5]) == [Change("[1]", "changed", old=2, new=5),
                                       Change("[2]", "removed", old=3)]
    assert diff([{"a": 1}], [{"a": 1}, {"a": 2}]) == [Change("[1]", "added", new={"a": 2})]


def test_types_matter_but_one_and_one_point_zero_do_not() -> None:
    assert diff({"n": 1}, {"n": 1.0}) == []
    assert diff({"n": 1}, {"n": True}) == [Change(".n", "changed", old=1, new=True)]
    assert diff({"n": None}, {"n": 0}) == [Change(".n", "changed", old=None, new=0)]


def test_secrets_are_compared_redacted() -> None:
    old = answer_diff.redacted({"name": "a", "password": "hunter2"})
    new = answer_diff.redacted({"name": "a", "password": "swordfish"})
    assert diff(old, new) == []
    cv = answer_diff.redacted({"DATABASE_URL": "postgres://u:p@h/db"}, "/apps/x/config-vars")
    assert "p@h" not in str(cv)
    lines = answer_diff.render(diff({}, answer_diff.redacted(
        {"token": "tok-123"}, secrets=["tok-123"])))
    assert lines and all("tok-123" not in line for line in lines)


def test_render_and_summary_are_inert() -> None:
    found = diff({"a": "x"}, {"a": "\x1b[2J", "\x1b]0;t\x07": 1})
    lines = answer_diff.render(found)
    assert lines[0].startswith("~ .a: ") and "→" in lines[0]
    assert all("\x1b" not in line and "\n" not in line for line in lines)
    assert answer_diff.summary(found) == "2 changes: 1 added, 1 changed"
    assert answer_diff.summary([]) == "no changes"


def test_the_limit_bounds_a_huge_diff() -> None:
    assert len(diff(list(range(10_000)), list(range(1, 10_001)), limit=50)) == 50


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=4), inner,
                                                                  max_size=4),
    max_leaves=20)


@given(json_values)
def test_a_value_against_itself_has_no_changes(value: Any) -> None:
    assert diff(value, value) == []


@given(json_values, json_values)
def test_no_changes_only_when_equal(a: Any, b: Any) -> None:
    if not diff(a, b):
        assert diff(b, a) == []
