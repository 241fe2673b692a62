"""heroku3 (PyPI) everyday calls against a sandbox: ``python -m
tests.real_clients.heroku3_steps [today|bundled]`` prints the table."""

from __future__ import annotations

import re
import sys
from typing import Any

from heroku_explorer.sandbox.app import SANDBOX_TOKEN
from tests.real_clients.support import Step, main

#: A line as Heroku's log router writes it: time, source[dyno]: message.
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00 [a-z]+\[[\w.-]+\]: .+$")


def connect(url: str) -> Any:
    import heroku3
    import requests

    session = requests.Session()
    session.trust_env = False  # no proxy from the environment: loopback only
    conn = heroku3.api.Heroku(session=session)
    conn._heroku_url = url  # before the key is checked: it goes to the sandbox only
    conn.authenticate(SANDBOX_TOKEN)
    return conn


def _check(condition: object, what: str) -> None:
    if not condition:
        raise AssertionError(what)


#: heroku3 calls the 2013 manifest cannot express, and why.
INEXPRESSIBLE_BUNDLED = {
    name: "heroku3's App model reads today's `stack` object; the 2013 app's stack is a "
          "string" for name in ("apps list", "apps create", "apps info", "apps update")}
INEXPRESSIBLE_BUNDLED["formation batch scale"] = "the 2013 manifest has no Formation Batch Update"
INEXPRESSIBLE_BUNDLED["domains"] = ("heroku3's add_domain sends today's sni_endpoint, which the "
                                    "2013 Domain Create does not take")
INEXPRESSIBLE_BUNDLED["rollback"] = "the 2013 manifest has no Release Create or Rollback"


def _raw_app(h: Any, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
    """An App made from the app's id and name alone, through heroku3's own transport
    (on the 2013 manifest, where App cannot read the whole app)."""
    from heroku3.models.app import App

    answer = h._http_resource(method=method, resource=path.strip("/").split("/"),
                              data=h._resource_serialize(body) if body else None)
    answer.raise_for_status()
    data = h._resource_deserialize(answer.content.decode("utf-8"))
    item = data[0] if isinstance(data, list) else data
    return App.new_from_dict({"id": item["id"], "name": item["name"]}, h=h)


def steps(url: str, which: str = "today") -> list[Step]:
    h = connect(url)
    state: dict[str, Any] = {}
    if which == "bundled":
        state["seeded"] = _raw_app(h, "GET", "apps")
        state["app"] = _raw_app(h, "POST", "apps", {"name": "h3-renamed-app"})

    def app() -> Any:
        return state["app"]

    def apps_list() -> None:
        apps = h.apps()
        _check(len(apps) >= 1 and all(a.name for a in apps), "no apps listed")
        state["seeded"] = apps[0]

    def apps_create() -> None:
        state["app"] = h.create_app(name="h3-sandbox-app", stack_id_or_name="heroku-24",
                                    region_id_or_name="us")
        _check(state["app"].name == "h3-sandbox-app", "created app has another name")

    def apps_info() -> None:
        got = h.app("h3-sandbox-app")
        _check(got.id == app().id, "info answers another app")

    def apps_update() -> None:
        state["app"] = app().rename("h3-renamed-app")
        _check(h.app("h3-renamed-app").id == app().id, "renamed app not found by new name")
        app().enable_maintenance_mode()
        _check(h.app(app().id).maintenance is True, "maintenance not on")
        app().disable_maintenance_mode()

    def config_set() -> None:
        app().update_config({"GREETING": "hello", "COLOR": "blue"})
        _check(app().config()["GREETING"] == "hello", "config var not set")

    def config_get() -> None:
        cfg = app().config()
        _check(cfg.to_dict().get("COLOR") == "blue", "config var not read back")

    def config_unset() -> None:
        app().update_config({"COLOR": None})
        _check("COLOR" not in app().config().to_dict(), "config var not removed")

    def domains() -> None:
        added = app().add_domain("www.h3-example.com", None)
        _check(added.hostname == "www.h3-example.com", "domain not added")
        names = [d.hostname for d in app().domains()]
        _check("www.h3-example.com" in names, f"domain not listed: {names}")
        _check(app().get_domain("www.h3-example.com").id == added.id, "domain info")
        app().remove_domain("www.h3-example.com")
        _check("www.h3-example.com" not in [d.hostname for d in app().domains()],
               "domain not removed")

    def releases() -> None:
        rels = app().releases()
        _check(len(rels) >= 3, f"expected a release per change, got {len(rels)}")
        versions = [r.version for r in rels]
        _check(versions == sorted(versions), f"releases not in version order: {versions}")
        _check("Set" in rels[1].description, f"release says {rels[1].description!r}")
        state["first"] = rels[0]

    def rollback() -> None:
        target = state["first"]
        newest = app().rollback(target.id)
        _check(newest.description == f"Rollback to v{target.version}",
               f"rollback release says {newest.description!r}")
        _check("GREETING" not in app().config().to_dict(),
               "rollback did not restore the target's config vars")

    def formation() -> None:
        seeded = state["seeded"]
        procs = seeded.process_formation()
        _check(procs, "no formation")
        web = next(p for p in procs if p.type == "web")
        scaled = seeded.scale_formation_process("web", 2)
        _check(scaled.quantity == 2, "scale did not take")
        # The 2013 manifest sizes dynos by number (1, 2), today's by name.
        size = 2 if which == "bundled" else "standard-2X"
        resized = web.resize(size)
        _check(str(resized.size).lower() == str(size).lower(), f"resize answered {resized.size}")
        web.update(size=1 if which == "bundled" else "standard-1X", quantity=1)

    def formation_batch() -> None:
        done = state["seeded"].batch_scale_formation_processes({"web": 1, "worker": 1})
        _check(sorted((p.type, p.quantity) for p in done) == [("web", 1), ("worker", 1)],
               "batch scale did not take")

    def dynos() -> None:
        seeded = state["seeded"]
        listed = seeded.dynos()
        _check(listed, "no dynos")
        formation = {p.type: p for p in seeded.process_formation()}
        for dyno in listed:
            _check(dyno.type in formation, f"dyno of type {dyno.type} has no formation")
        state["dyno"] = listed[0]

    def dyno_run() -> None:
        dyno = app().run_command_detached("echo hi", size=None)
        _check(dyno.command == "echo hi", "run dyno has another command")

    def restart() -> None:
        state["dyno"].restart()
        state["seeded"].restart()

    def addons() -> None:
        added = app().install_addon("heroku-postgresql:essential-0")
        _check(added.plan.name == "heroku-postgresql:essential-0", "add-on plan")
        listed = app().addons()
        _check(added.id in [a.id for a in listed], "add-on not listed")
        _check(h.addon_services(), "no add-on services")
        app().remove_addon(added.id)

    def collaborators() -> None:
        owner = h.account().email
        _check(owner in [c.user.email for c in app().collaborators()],
               "the owner is not among the collaborators")
        app().add_collaborator("friend@example.com", silent=True)
        _check("friend@example.com" in [c.user.email for c in app().collaborators()],
               "collaborator not added")
        app().remove_collaborator("friend@example.com")

    def keys() -> None:
        _check(h.keys(), "no keys")

    def account() -> None:
        acc = h.account()
        _check(acc.email and acc.id, "account has no email or id")

    def features() -> None:
        # (AppFeature.update sends POST, which the API does not route: not used.)
        feats = app().features()
        _check(feats, "no app features")
        _check(h.features(), "no account features")

    def log_session() -> None:
        text = app().get_log(lines=5)
        lines = text.strip().splitlines()
        _check(len(lines) == 5, f"asked for 5 lines, got {len(lines)}")
        _check(all(LOG_LINE.match(line) for line in lines), f"not Heroku's format: {lines}")

    def rate_limit() -> None:
        _check(h.ratelimit_remaining() > 0, "no rate limit left")

    def apps_delete() -> None:
        import requests

        app().delete()
        try:
            h._http_resource(method="GET", resource=("apps", app().id))
        except requests.HTTPError as exc:
            _check(exc.response is not None and exc.response.status_code == 404,
                   f"after delete: {exc}")
        else:
            raise AssertionError("the deleted app is still there")

    table = [Step(n, f) for n, f in (
        ("apps list", apps_list), ("apps create", apps_create), ("apps info", apps_info),
        ("apps update", apps_update), ("config set", config_set), ("config get", config_get),
        ("config unset", config_unset), ("domains", domains), ("releases", releases),
        ("rollback", rollback), ("formation scale/update", formation),
        ("formation batch scale", formation_batch), ("dynos", dynos),
        ("dyno run", dyno_run), ("restart", restart), ("addons", addons),
        ("collaborators", collaborators), ("keys", keys), ("account info", account),
        ("features", features), ("log session", log_session), ("rate limit", rate_limit),
        ("apps delete", apps_delete))]
    if which == "bundled":
        table = [step for step in table if step.name not in INEXPRESSIBLE_BUNDLED]
    return table


if __name__ == "__main__":
    sys.exit(main("heroku3", steps))
