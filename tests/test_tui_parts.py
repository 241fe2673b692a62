"""The explorer's parts without a terminal: filters, highlighting, drill-down, errors."""

from __future__ import annotations

from heroku_explorer.errors import (
    ValidationError,
)
from heroku_explorer.examples import example_request, example_values
from heroku_explorer.schema.model import ApiSpec
from heroku_explorer.tui.screens.drill import drill_targets, identity_value
from heroku_explorer.tui.screens.history import parse_filter
from heroku_explorer.tui.screens.overview import overview_markdown
from heroku_explorer.tui.widgets.json_text import tokenize
from heroku_explorer.tui.widgets.json_tree import attribute_at
from heroku_explorer.tui.widgets.param_form import field_of, ordered_params
from heroku_explorer.tui.widgets.resource_tree import action_haystack, fuzzy_match, short_path
from heroku_explorer.tui.widgets.status_bar import StatusBar, gauge
from heroku_explorer.tui.widgets.text import format_size


def _matches(spec: ApiSpec, query: str) -> list[str]:
    return [a.id for r in spec.resources for a in r.actions
            if fuzzy_match(query, action_haystack(a, r))]


def test_short_path_drops_the_identity_suffixes() -> None:
    assert short_path("/apps/{app_id_or_name}/addons/{addon_id}") == "/apps/{app}/addons/{addon}"


def test_filter_words_match_names_methods_and_paths(spec: ApiSpec) -> None:
    assert _matches(spec, "app list")[0] == "app.list"
    assert "add-on.list" not in _matches(spec, "app list")
    assert set(_matches(spec, "delete /apps")) >= {"app.delete", "domain.delete"}
    assert all(spec.action(a).method == "DELETE" for a in _matches(spec, "delete"))  # type: ignore[union-attr]
    assert "config-var.update" in _matches(spec, "cfg var upd")
    assert _matches(spec, "zzzz") == []


def test_tokenize_keeps_every_character() -> None:
    line = '  "name": "a \\"b\\"", "n": -1.5e3, "ok": true, "x": null'
    parts = tokenize(line)
    assert "".join(text for text, _ in parts) == line
    kinds = {text: kind for text, kind in parts}
    assert kinds['"name"'] == "key" and kinds['"a \\"b\\""'] == "string"
    assert kinds["-1.5e3"] == "number" and kinds["true"] == "literal" and kinds["null"] == "literal"


def test_drill_from_an_app_offers_its_actions_with_the_path_filled(spec: ApiSpec) -> None:
    app = {"id": "01234567-89ab-cdef-0123-456789abcdef", "name": "misty-coast"}
    targets = drill_targets(spec, spec.action("app.list"), (0,), app)
    ids = [t.action.id for t in targets]
    assert ids[0] == "app.info"
    assert {"add-on.list", "config-var.info", "release.list"} <= set(ids)
    info = targets[0]
    assert info.values == {"app_id_or_name": "misty-coast"} and not info.missing
    addon_info = next(t for t in targets if t.action.id == "add-on.info")
    assert addon_info.missing  # the add-on itself is still to be named


def test_drill_from_a_nested_object_and_from_an_add_on_keeps_the_app(spec: ApiSpec) -> None:
    region = drill_targets(spec, spec.action("app.info"), ("region",), {"name": "us", "id": "x"})
    assert region and region[0].action.id == "region.info"
    assert region[0].values == {"region_id_or_name": "us"}
    addon = {"id": "01234567-89ab-cdef-0123-456789abcdef"}
    targets = drill_targets(spec, spec.action("add-on.list"), (0,), addon,
                            {"app_id_or_name": "misty-coast"})
    info = next(t for t in targets if t.action.id == "add-on.info")
    assert info.values["app_id_or_name"] == "misty-coast" and not info.missing
    assert identity_value(None, {"id": "i"}) == "i"


def test_history_filter_words() -> None:
    f = parse_filter("4xx GET /apps 3f2a")
    assert (f.status, f.method, f.path, f.request_id) == ("4xx", "GET", "/apps", "3f2a")
    assert parse_filter("404").status == "404"


def test_rate_limit_gauge_changes_level() -> None:
    assert gauge(4500, 4500)[1] == "high"
    assert gauge(1500, 4500)[1] == "medium"
    assert gauge(100, 4500)[1] == "low"
    assert gauge(700, 1200)[1] == "high"  # more than half of a 1200 pool
    assert len(gauge(0, 1200)[0]) == len(gauge(1200, 1200)[0])


async def test_status_bar_line_and_level() -> None:
    from textual.app import App, ComposeResult

    class Host(App[None]):
        CSS_PATH = "../heroku_explorer/tui/widgets/chrome.tcss"

        def compose(self) -> ComposeResult:
            yield StatusBar(mode="LIVE", base_url="https://api.heroku.com",
                            account="me@example.com", read_only=True, limit=4500)
            yield StatusBar(id="sandbox")

    async with Host().run_test() as pilot:
        bar, sandbox = pilot.app.query(StatusBar).results()
        line = str(bar.render())
        assert line.startswith(" LIVE · READ-ONLY ")
        assert "https://api.heroku.com" in line and "me@example.com" in line
        assert "RateLimit –" in line and line.endswith("Request-Id –")
        assert bar.level == "unknown"
        bar.remaining, bar.request_id = 4000, "abc-123"
        assert bar.level == "high" and "4000" in str(bar.render())
        assert str(bar.render()).endswith("Request-Id abc-123")
        bar.remaining = 300
        assert bar.level == "low"
        # The gauge's colour follows the level, from the stylesheet.
        assert bar.render().spans[-3].style == bar.get_component_rich_style("status-bar--low")
        # Without a known budget, the highest value seen is the full gauge.
        sandbox.remaining = 1200
        sandbox.remaining = 1100
        assert sandbox.level == "high" and str(sandbox.render()).startswith(" SANDBOX ")


def test_form_order_and_error_fields(spec: ApiSpec) -> None:
    names = [p.name for p in ordered_params(spec.action("add-on.create"))]  # type: ignore[arg-type]
    assert names[0] == "app_id_or_name"
    required = [p.name for p in spec.action("add-on.create").params if p.required]  # type: ignore[union-attr]
    assert names[: len(required)] == required
    assert field_of(ValidationError("source_blob.url", "x")) == "source_blob"
    assert field_of(ValidationError("items[2]", "x")) == "items"


def test_examples_make_a_request(spec: ApiSpec) -> None:
    action = spec.action("app.create")
    assert action is not None
    assert example_values(action)["name"] == "example"
    request, problem = example_request(action)
    assert problem is None and request is not None and request.body["name"] == "example"


def test_sizes_are_short() -> None:
    assert format_size(2371) == "2.3 KB" and format_size(12) == "12 B"


def test_attribute_at_follows_lists_and_nesting(spec: ApiSpec) -> None:
    attrs = spec.resource("app").attributes  # type: ignore[union-attr]
    owner_email = attribute_at(attrs, (3, "owner", "email"))
    assert owner_email is not None and owner_email.path == ("owner", "email")
    assert attribute_at(attrs, ("nope",)) is None


def test_overview_has_every_section(spec: ApiSpec) -> None:
    text = overview_markdown(spec)
    for section in spec.overview:
        assert f"## {section.title}" in text
