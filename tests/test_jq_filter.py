"""jq filters (heroku_explorer.jq_filter): jq's syntax, one-sentence errors, bounds."""

from __future__ import annotations

import time

import pytest

from heroku_explorer import jq_filter
from heroku_explorer.jq_filter import JqError, JqResult

APPS = [{"name": "web-1", "id": "1", "stack": {"name": "heroku-24"}},
        {"name": "api-2", "id": "2", "stack": {"name": "heroku-22"}}]


def test_results_like_jq_r_c() -> None:
    result = jq_filter.run(".[] | .name", APPS)
    assert result == JqResult(["web-1", "api-2"])
    assert jq_filter.lines(result) == ["web-1", "api-2"]
    objects = jq_filter.run("map({n: .name, s: .stack.name}) | .[0]", APPS)
    assert jq_filter.lines(objects) == ['{"n": "web-1", "s": "heroku-24"}']
    assert jq_filter.lines(jq_filter.run("length", APPS)) == ["2"]
    assert jq_filter.pretty(jq_filter.run("empty", APPS)) == "(no results)"


def test_a_bad_expression_is_one_sentence() -> None:
    with pytest.raises(JqError) as info:
        jq_filter.run(".[", APPS)
    text = str(info.value)
    assert text.startswith("The jq filter is not valid: syntax error")
    assert "\n" not in text and "Traceback" not in text
    with pytest.raises(JqError, match="is empty"):
        jq_filter.run("  ", APPS)


def test_a_failing_filter_says_jq_s_words_inertly() -> None:
    with pytest.raises(JqError) as info:
        jq_filter.run('error("bad \\u001b[2J thing")', APPS)
    assert str(info.value).startswith("The jq filter failed: bad ")
    assert "\x1b" not in str(info.value)
    with pytest.raises(JqError, match="failed: Cannot index"):
        jq_filter.run(".[0].name.x", APPS)


def test_a_filter_that_runs_too_long_is_stopped() -> None:
    started = time.monotonic()
    with pytest.raises(JqError, match=r"longer than 0\.5 seconds"):
        jq_filter.run("last(range(1e12))", APPS, timeout=0.5)
    assert time.monotonic() - started < 5


def test_a_huge_output_is_cut() -> None:
    result = jq_filter.run("range(100000)", None, max_output=1000)
    assert result.cut and 0 < len(result.values) < 1000
    assert jq_filter.lines(result)[-1].startswith("(more results left off")


async def test_off_the_event_loop() -> None:
    assert (await jq_filter.arun(".[1].id", APPS)).values == ["2"]
