"""Lessons on an app's life: create it, set its config, read its releases, scale
its formation and see its dynos, add an add-on, a domain and a log session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from heroku_explorer.lessons.finder import Test, first, then
from heroku_explorer.lessons.model import Lesson, Seen, quote

__all__ = ["APP_LESSONS"]


def _names(x: Seen) -> set[str]:
    """The name and id of the app a creation answered with."""
    if not isinstance(x.data, dict):
        return set()
    return {str(x.data[k]) for k in ("name", "id") if isinstance(x.data.get(k), str)}


def _to(names: set[str], method: str, tail: str) -> Test:
    """A successful ``method`` to ``/apps/{app}/{tail}...`` for an app in ``names``."""
    return lambda x: x.did(method, tail) in names


def _app_life(xs: Sequence[Seen]) -> str | None:
    for i, made in enumerate(xs):
        if made.method != "POST" or made.segments != ("apps",) or made.status != 201:
            continue
        names = _names(made)
        c = first(xs[i + 1:], _to(names, "PATCH", "config-vars"))
        d = first(xs[i + 1:], _to(names, "POST", "domains"))
        if c is not None and d is not None:
            return (f"Your {made.outcome()}: a new app "
                    f"{quote(made.data.get('name'))}. Request #{c.number} "
                    f"({c.method} {quote(c.path)}) set its config vars and got "
                    f"{c.status_text()}; request #{d.number} ({d.method} "
                    f"{quote(d.path)}) gave it a domain and got {d.status_text()}. "
                    "Both went to the app you made, by its name or id.")
    return None


def _keys(change: Seen) -> set[str]:
    """The config vars a change named."""
    return set(change.request_body) if isinstance(change.request_body, dict) else set()


def _release(change: Seen, x: Seen) -> tuple[Any, str] | None:
    """The release in a list of the changed app's releases that names one of the
    config vars the change set, with its description."""
    app = change.did("PATCH", "config-vars")
    if app is None or x.did("GET", "releases") != app or len(x.segments) != 3 \
            or not isinstance(x.data, list):
        return None
    keys = _keys(change)
    for release in x.data:
        text = str(release.get("description", "")) if isinstance(release, dict) else ""
        if any(k in text for k in keys):
            return release, text
    return None


def _releases(xs: Sequence[Seen]) -> str | None:
    found = then(xs, lambda change: change.did("PATCH", "config-vars") is not None,
                 lambda change, x: _release(change, x) is not None)
    named = None if found is None else _release(*found)
    if found is None or named is None:
        return None
    (change, x), (release, text) = found, named
    return (f"Your {change.line()} changed config vars "
            f"({quote(', '.join(sorted(_keys(change))))}) and got "
            f"{change.status_text()}. Your request #{x.number} listed the "
            f"app's releases: release {quote(release.get('version'))} says "
            f"{quote(text)}. Every config change makes a release; rolling "
            "back is making a new release that names an older one.")


def _formation(xs: Sequence[Seen]) -> str | None:
    found = then(xs, lambda scale: scale.did("PATCH", "formation") is not None,
                 lambda scale, x: x.did("GET", "dynos") == scale.did("PATCH", "formation")
                 and len(x.segments) == 3)
    if found is None:
        return None
    scale, x = found
    quantity = scale.data.get("quantity") if isinstance(scale.data, dict) else None
    return (f"Your {scale.outcome()}: the formation now "
            f"asks for {quote(quantity)} dyno(s) of that process type. Your "
            f"request #{x.number} listed the app's dynos "
            f"({len(x.data) if isinstance(x.data, list) else 0} running). The "
            "formation says how many should run; dynos are the ones that do.")


def _addons_logs(xs: Sequence[Seen]) -> str | None:
    found = then(xs, lambda addon: addon.status == 201 and addon.did("POST", "addons") is not None,
                 lambda addon, x: x.did("POST", "log-sessions") == addon.did("POST", "addons"))
    if found is None:
        return None
    addon, x = found
    plan = addon.data.get("plan") if isinstance(addon.data, dict) else None
    plan_name = plan.get("name") if isinstance(plan, dict) else plan
    return (f"Your {addon.outcome()}: plan "
            f"{quote(plan_name)} is attached. Your request #{x.number} opened a "
            f"log session on the same app and got {x.status_text()}: its "
            "logplex_url streams the app's logs for a while.")


APP_LESSONS: tuple[Lesson, ...] = (
    Lesson("app-life", "An app's life: create, configure, name",
           "Create an app, then set a config var on that new app and add a domain to it.",
           ("`app create name=my-first-app`",
            "`config-var update my-first-app GREETING=hello`, then `domain create "
            "my-first-app hostname=www.example.com` (`doc domain create` lists what else "
            "the schema asks for)."),
           _app_life, topic="apps"),
    Lesson("releases", "Releases",
           "Change a config var of an app, then find the release that change made in the "
           "app's list of releases.",
           ("`config-var update NAME GREETING=hello`",
            "`release list NAME`: the newest release names the config var."),
           _releases, topic="releases"),
    Lesson("formation", "Formation and dynos",
           "Scale one process type of an existing app's formation, then list that app's "
           "dynos.",
           ("`formation list NAME` shows its process types.",
            "`formation update NAME worker quantity:=2`, then `dyno list NAME`."),
           _formation, topic="formation"),
    Lesson("addons-logs", "Add-ons and log sessions",
           "Attach an add-on to an app, then open a log session on that same app.",
           ("`addon create NAME plan=heroku-redis:mini`",
            "`log-session create NAME`"),
           _addons_logs, topic="addons"),
)
