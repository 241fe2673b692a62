"""What happens over time to the few resources that have a life of their own.

Everything else in the sandbox follows one generic rule per route kind
(:mod:`.handlers`); these are the named exceptions, each as Heroku documents it:

* **apps**: a new app comes with its owner among its collaborators, its
  ``<name>.herokuapp.com`` domain and the catalogue of app features.
* **releases** record what happened, each with the config vars it ran with; a
  rollback (``POST /apps/{app}/releases`` with ``release``) makes a new release
  with the slug and config vars of its target and says ``Rollback to vN``.
* **builds** start ``pending`` and succeed :data:`BUILD_SECONDS` later (on the next
  request after that, or when their output stream ends), making a slug and a
  release.
* **log sessions** and **build output** are streamed by the sandbox itself
  (:mod:`.streams`) at the address the request came to, behind a random secret.

No answer carries a schema example URL or description.
"""

from __future__ import annotations

import secrets
import weakref
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import heroku_explorer.sandbox.presets as presets
from heroku_explorer.sandbox.handlers import Engine, Outcome
from heroku_explorer.sandbox.routes import Route
from heroku_explorer.sandbox.store import Record
from heroku_explorer.sandbox.writes import Problem, has_value, now_stamp

if TYPE_CHECKING:
    from heroku_explorer.sandbox.app import SandboxApp

__all__ = ["BUILD_SECONDS", "CONFIG_OF", "LOG_SESSIONS", "SCHEME", "STREAMS", "Lifecycles",
           "handle", "lifecycles_of"]

#: Seconds a build stays pending.
BUILD_SECONDS = 3.0
#: The path under which the sandbox serves its streams.
STREAMS = "/sandbox-streams"
#: A pseudo header :mod:`.streams` adds: the scheme of the request.
SCHEME = ":scheme"
#: Hidden collections (never routed): each release's config vars, each log session's options.
CONFIG_OF = "sandbox:release-config"
LOG_SESSIONS = "sandbox:log-session"
_EXAMPLE_DESCRIPTION = "Added new feature"

_ALL: weakref.WeakKeyDictionary[Any, Lifecycles] = weakref.WeakKeyDictionary()


def lifecycles_of(app: SandboxApp) -> Lifecycles:
    """The one :class:`Lifecycles` of a sandbox (made on first use)."""
    found = _ALL.get(app)
    if found is None:
        found = _ALL[app] = Lifecycles(app.engine, app.rate.clock)
    return found


def handle(app: SandboxApp, route: Route, values: tuple[str, ...], body: dict[str, Any],
           headers: dict[str, str]) -> Outcome:
    """Answer one routed request: the lifecycles around the generic handler."""
    return lifecycles_of(app).handle(route, values, body, base_url(headers))


def base_url(headers: dict[str, str]) -> str:
    """Where the request came to: its scheme and Host (``http://127.0.0.1:5000``)."""
    scheme = headers.get(SCHEME, "http")
    host = headers.get("host", "").strip() or "localhost"
    return f"{scheme}://{host}"


class Lifecycles:
    """Pending builds and the rules above, over one :class:`Engine`."""

    def __init__(self, engine: Engine, clock: Callable[[], float]) -> None:
        self.engine = engine
        self.store = engine.store
        self.spec = engine.spec
        self.clock = clock
        self.build_seconds = BUILD_SECONDS
        #: Build id -> when it is done (by ``clock``).
        self.pending: dict[str, float] = {}
        self.config_key = next((r.resource for r in engine.router.routes
                                if r.kind == "map-info" and r.slots), None)
        # Builds left pending by an earlier run of a persisted sandbox finish now.
        for rec in self.store.records("build"):
            if rec.data.get("status") == "pending":
                self.pending[rec.id] = clock()

    # -- the request path -----------------------------------------------------------

    def handle(self, route: Route, values: tuple[str, ...], body: dict[str, Any],
               base: str) -> Outcome:
        self.advance()
        res, kind = route.resource, route.kind
        if res == "release" and kind == "create" and "release" in body:
            return self._rollback(route, values, body)
        outcome = self.engine.handle(route, values, body)
        if kind == "create" and isinstance(outcome.body, dict):
            made = outcome.body
            if res == "app":
                self._new_app(made)
            elif res == "release":
                outcome.body = self._new_release(made, body)
            elif res == "build":
                outcome.body = self._new_build(made, base)
            elif res == "log-session":
                outcome.body = self._new_log_session(made, body, values, route, base)
        if res == "build":
            outcome = self._build_urls(outcome, base)
        self.snapshot()
        return outcome

    # -- apps ---------------------------------------------------------------------

    def _new_app(self, app: dict[str, Any]) -> None:
        app_id = str(app.get("id"))
        scope = {"app": app_id}
        acc = self.engine.account()
        made: list[tuple[str, dict[str, Any]]] = []
        if acc is not None:
            made.append(("collaborator", {
                "user": {"email": acc.data.get("email"), "id": acc.id, "federated": False},
                "role": "owner", "permissions": [], "silent": False}))
        name = app.get("name")
        if isinstance(name, str):
            made.append(("domain", {"hostname": f"{name}.herokuapp.com", "kind": "heroku",
                                    "status": "none", "cname": None, "acm_status": None,
                                    "sni_endpoint": None}))
        ctx = presets.PresetContext(self.engine.runtime_rng, app, 0, lambda k, w: None)
        made += [("app-feature", item) for item in presets.PRESETS["app-feature"](ctx)]
        for key, preset in made:
            res = self.spec.resource(key)
            if res is None or "app" not in self.engine.parent_keys.get(key, frozenset()):
                continue
            with self.engine._runtime() as factory:
                data = factory.make(res, scope, preset)
            self.store.put(key, Record(self.engine._new_id(data), data, dict(scope)))

    # -- releases -----------------------------------------------------------------

    def _app_of(self, route: Route, values: tuple[str, ...]) -> Record:
        resolved = self.engine.resolve(route, values, strict=True)
        app_id = resolved.scope.get("app")
        app = self.store.get("app", app_id) if app_id else None
        if app is None:
            raise Problem(404, "not_found", "Couldn't find that app.")
        return app

    def _rollback(self, route: Route, values: tuple[str, ...], body: dict[str, Any]) -> Outcome:
        app = self._app_of(route, values)
        wanted = body["release"]
        target = next((r for r in self.store.records("release", {"app": app.id})
                       if r.id == wanted or has_value(r.data, "version", wanted)), None)
        if target is None:
            raise Problem(404, "not_found", "Couldn't find that release.")
        config = self.config_at(target)
        made = self.engine.record_release(app.id, f"Rollback to v{target.data.get('version')}")
        if made is None:
            raise Problem(404, "not_found", "Couldn't find that release.")
        data = self._tidy(dict(made.data))
        if "slug" in data:
            data["slug"] = target.data.get("slug")
        if "addon_plan_names" in data:
            data["addon_plan_names"] = target.data.get("addon_plan_names", [])
        self.store.put("release", Record(made.id, data, dict(made.parents)))
        if self.config_key is not None and config is not None:
            current = next(iter(self.store.records(self.config_key, {"app": app.id})), None)
            self.store.put(self.config_key, Record(
                current.id if current else app.id, dict(config), {"app": app.id}))
        self._remember_config(made.id, app.id)
        return Outcome(route.status, data)

    def _new_release(self, made: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
        """A release made from a slug: the app's new current one."""
        rec = self.store.get("release", str(made.get("id")))
        if rec is None:
            return made
        data = self._tidy(dict(rec.data))
        if "description" not in body:
            slug = data.get("slug")
            ref = slug.get("id") if isinstance(slug, dict) else slug
            data["description"] = f"Deploy {str(ref or rec.id)[:8]}"
        if "current" in data:
            for other in self.store.records("release", rec.parents):
                if other.id != rec.id and other.data.get("current"):
                    self.store.put("release", Record(
                        other.id, {**other.data, "current": False}, dict(other.parents)))
            data["current"] = True
        self.store.put("release", Record(rec.id, data, dict(rec.parents)))
        return data

    def _tidy(self, data: dict[str, Any]) -> dict[str, Any]:
        """A release as the API makes it: no release phase, no example text."""
        if "output_stream_url" in data:
            data["output_stream_url"] = None
        if "status" in data:
            data["status"] = "succeeded"
        if data.get("description") == _EXAMPLE_DESCRIPTION:
            data["description"] = "Deploy"
        return data

    def config_at(self, release: Record) -> dict[str, Any] | None:
        """The config vars ``release`` ran with (recorded when it was made)."""
        kept = self.store.get(CONFIG_OF, release.id)
        return kept.data if kept is not None else None

    def _remember_config(self, release_id: str, app_id: str) -> None:
        if self.config_key is None:
            return
        current = next(iter(self.store.records(self.config_key, {"app": app_id})), None)
        self.store.put(CONFIG_OF, Record(release_id, dict(current.data) if current else {},
                                         {"app": app_id}))

    def snapshot(self) -> None:
        """Every release made without a record of its config vars gets the app's current
        ones (a release is made in the same request as the change it records)."""
        kept = self.store.collection(CONFIG_OF)
        for rec in list(self.store.collection("release").values()):
            app_id = rec.parents.get("app")
            if rec.id not in kept and app_id is not None:
                tidy = self._tidy(dict(rec.data))
                if tidy != rec.data:
                    self.store.put("release", Record(rec.id, tidy, dict(rec.parents)))
                self._remember_config(rec.id, app_id)

    # -- builds -------------------------------------------------------------------

    def _new_build(self, made: dict[str, Any], base: str) -> dict[str, Any]:
        rec = self.store.get("build", str(made.get("id")))
        if rec is None:
            return made
        data = dict(rec.data)
        data["status"] = "pending"
        for name in ("release", "slug"):
            if name in data:
                data[name] = None
        if "output_stream_url" in data:
            data["output_stream_url"] = stream_url(base, "builds", rec.id)
        self.store.put("build", Record(rec.id, data, dict(rec.parents)))
        self.pending[rec.id] = self.clock() + self.build_seconds
        return data

    def _build_urls(self, outcome: Outcome, base: str) -> Outcome:
        """Builds that still show another host's stream (seeded ones) get the sandbox's."""
        fixed: list[Record] = []
        for rec in outcome.items or []:
            fixed.append(self._build_url(rec, base))
        if outcome.items is not None:
            outcome.items = fixed
        elif isinstance(outcome.body, dict) and outcome.body.get("id"):
            one = self.store.get("build", str(outcome.body["id"]))
            if one is not None:
                outcome.body = self._build_url(one, base).data
        return outcome

    def _build_url(self, rec: Record, base: str) -> Record:
        url = rec.data.get("output_stream_url")
        if "output_stream_url" not in rec.data or (
                isinstance(url, str) and url.startswith(f"{base}{STREAMS}/")):
            return rec
        data = {**rec.data, "output_stream_url": stream_url(base, "builds", rec.id)}
        return self.store.put("build", Record(rec.id, data, dict(rec.parents)))

    def advance(self, *, force: str | None = None) -> None:
        """Finish every pending build whose time has come (and ``force``, now)."""
        now = self.clock()
        for build_id, due in list(self.pending.items()):
            if due <= now or build_id == force:
                del self.pending[build_id]
                self.finish_build(build_id)

    def finish_build(self, build_id: str) -> Record | None:
        """A build succeeds: a slug (where the schema has slugs) and a release."""
        rec = self.store.get("build", build_id)
        if rec is None or rec.data.get("status") != "pending":
            return rec
        app_id = rec.parents.get("app")
        data = dict(rec.data)
        data["status"] = "succeeded"
        data["updated_at"] = now_stamp()
        blob = data.get("source_blob") if isinstance(data.get("source_blob"), dict) else {}
        version = (blob or {}).get("version") or build_id[:8]
        slug_id = self._make_slug(app_id, version) if app_id else None
        if "slug" in data:
            data["slug"] = {"id": slug_id} if slug_id else None
        if app_id is not None:
            release = self.engine.record_release(app_id, f"Deploy {version}")
            if release is not None:
                rdata = self._tidy(dict(release.data))
                if "slug" in rdata and slug_id:
                    rdata["slug"] = {"id": slug_id}
                self.store.put("release", Record(release.id, rdata, dict(release.parents)))
                self._remember_config(release.id, app_id)
                if "release" in data:
                    data["release"] = {"id": release.id}
        return self.store.put("build", Record(build_id, data, dict(rec.parents)))

    def _make_slug(self, app_id: str, version: str) -> str | None:
        res = self.spec.resource("slug")
        if res is None:
            return None
        scope = {"app": app_id}
        with self.engine._runtime() as factory:
            data = factory.make(res, scope, {"commit": version, "deleted_at": None,
                                             "commit_description": f"Build of {version}"})
        return self.store.put("slug", Record(self.engine._new_id(data), data, scope)).id

    # -- log sessions -------------------------------------------------------------

    def _new_log_session(self, made: dict[str, Any], body: dict[str, Any],
                         values: tuple[str, ...], route: Route, base: str) -> dict[str, Any]:
        rec = self.store.get("log-session", str(made.get("id")))
        if rec is None:
            return made
        app = self._app_of(route, values)
        url = stream_url(base, "logs", rec.id)
        lines = body.get("lines", 100)
        self.store.put(LOG_SESSIONS, Record(rec.id, {
            "app": app.id, "url": url,
            "dyno": body.get("dyno_name") or body.get("dyno") or body.get("type"),
            "source": body.get("source"),
            "lines": int(lines) if isinstance(lines, int | str) and str(lines).isdigit() else 100,
            "tail": body.get("tail") in (True, "true", 1, "1")}, {"app": app.id}))
        data = {**rec.data, "logplex_url": url}
        self.store.put("log-session", Record(rec.id, data, dict(rec.parents)))
        return data


def stream_url(base: str, kind: str, ident: str) -> str:
    """A stream's address at the sandbox, with a fresh secret (``srv``)."""
    return f"{base}{STREAMS}/{kind}/{ident}?srv={secrets.token_urlsafe(24)}"
