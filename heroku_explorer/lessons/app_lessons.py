"""Lessons on an app's life: create it, set its config, read its releases, scale
its formation and see its dynos, add an add-on, a domain and a log session."""

from __future__ import annotations

from collections.abc import Sequence

from heroku_explorer.lessons.model import Lesson, Seen, quote

__all__ = ["APP_LESSONS"]


def _names(x: Seen) -> set[str]:
    """The name and id of the app a creation answered with."""
    if not isinstance(x.data, dict):
        return set()
    return {str(x.data[k]) for k in ("name", "id") if isinstance(x.data.get(k), str)}


def _app_life(xs: Sequence[Seen]) -> str | None:
    for i, made in enumerate(xs):
        if made.method != "POST" or made.segments != ("apps",) or made.status != 201:
            continue
        names = _names(made)
        steps: dict[str, Seen] = {}
        for x in xs[i + 1:]:
            if x.method == "PATCH" and x.ok and x.under_app("config-vars") in names:
                steps.setdefault("config", x)
            if x.method == "POST" and x.ok and x.under_app("domains") in names:
                steps.setdefault("domain", x)
            if len(steps) == 2:
                c, d = steps["config"], steps["domain"]
                return (f"Your {made.line()} got {made.status_text()}: a new app "
                        f"{quote(made.data.get('name'))}. Request #{c.number} "
                        f"({c.method} {quote(c.path)}) set its config vars and got "
                        f"{c.status_text()}; request #{d.number} ({d.method} "
                        f"{quote(d.path)}) gave it a domain and got {d.status_text()}. "
                        "Both went to the app you made, by its name or id.")
    return None


def _releases(xs: Sequence[Seen]) -> str | None:
    for i, change in enumerate(xs):
        app = change.under_app("config-vars")
        if change.method != "PATCH" or not change.ok or app is None:
            continue
        keys = set(change.request_body) if isinstance(change.request_body, dict) else set()
        for x in xs[i + 1:]:
            if x.method != "GET" or not x.ok or x.under_app("releases") != app \
                    or len(x.segments) != 3 or not isinstance(x.data, list):
                continue
            for release in x.data:
                text = str(release.get("description", "")) if isinstance(release, dict) else ""
                if any(k in text for k in keys):
                    return (f"Your {change.line()} changed config vars "
                            f"({quote(', '.join(sorted(keys)))}) and got "
                            f"{change.status_text()}. Your request #{x.number} listed the "
                            f"app's releases: release {quote(release.get('version'))} says "
                            f"{quote(text)}. Every config change makes a release; rolling "
                            "back is making a new release that names an older one.")
    return None


def _formation(xs: Sequence[Seen]) -> str | None:
    for i, scale in enumerate(xs):
        app = scale.under_app("formation")
        if scale.method != "PATCH" or not scale.ok or app is None:
            continue
        for x in xs[i + 1:]:
            if x.method == "GET" and x.ok and x.under_app("dynos") == app \
                    and len(x.segments) == 3:
                quantity = scale.data.get("quantity") if isinstance(scale.data, dict) else None
                return (f"Your {scale.line()} got {scale.status_text()}: the formation now "
                        f"asks for {quote(quantity)} dyno(s) of that process type. Your "
                        f"request #{x.number} listed the app's dynos "
                        f"({len(x.data) if isinstance(x.data, list) else 0} running). The "
                        "formation says how many should run; dynos are the ones that do.")
    return None


def _addons_logs(xs: Sequence[Seen]) -> str | None:
    for i, addon in enumerate(xs):
        app = addon.under_app("addons")
        if addon.method != "POST" or addon.status != 201 or app is None:
            continue
        for x in xs[i + 1:]:
            if x.method == "POST" and x.ok and x.under_app("log-sessions") == app:
                plan = addon.data.get("plan") if isinstance(addon.data, dict) else None
                plan_name = plan.get("name") if isinstance(plan, dict) else plan
                return (f"Your {addon.line()} got {addon.status_text()}: plan "
                        f"{quote(plan_name)} is attached. Your request #{x.number} opened a "
                        f"log session on the same app and got {x.status_text()}: its "
                        "logplex_url streams the app's logs for a while.")
    return None


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
