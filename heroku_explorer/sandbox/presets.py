"""Realistic values for the seed data, by resource key.

The shape of every object comes from the schema (see :mod:`.seed`); these presets
only say what a plausible app, region or add-on plan looks like. A preset is laid
over a generated object: keys the resource does not have are dropped, so one
preset serves every schema that describes the resource.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ACCOUNT",
    "CREATE_DEFAULTS",
    "DEPRECATED_STACKS",
    "PRESETS",
    "STACK_WARNING",
    "Preset",
    "PresetContext",
    "app_name",
    "derived",
    "fresh_name",
]

ADJECTIVES = (
    "ancient", "autumn", "billowing", "bitter", "blue", "calm", "cool", "crimson", "damp",
    "dry", "falling", "frosty", "gentle", "glacial", "hidden", "lingering", "misty", "morning",
    "polar", "quiet", "rapid", "serene", "shy", "silent", "snowy", "sparkling", "still",
    "twilight", "wandering", "young",
)
NOUNS = (
    "bayou", "beach", "brook", "cliffs", "coast", "dawn", "depths", "dusk", "falls", "field",
    "fjord", "forest", "glade", "harbor", "island", "lake", "meadow", "mesa", "mountain",
    "ocean", "peak", "plains", "reef", "ridge", "river", "sierra", "springs", "temple",
    "thicket", "waters",
)

ACCOUNT: dict[str, Any] = {
    "email": "developer@example.com",
    "name": "Sandbox Developer",
    "allow_tracking": True,
    "beta": False,
    "verified": True,
    "federated": False,
    "two_factor_authentication": False,
    "country_of_residence": "United States",
}
TEAMMATES = ("alice@example.com", "bob@example.com", "carol@example.com")

REGIONS = (
    {"name": "us", "description": "United States", "country": "United States",
     "locale": "Virginia", "private_capable": False,
     "provider": {"name": "amazon-web-services", "region": "us-east-1"}},
    {"name": "eu", "description": "Europe", "country": "Ireland", "locale": "Dublin",
     "private_capable": False, "provider": {"name": "amazon-web-services", "region": "eu-west-1"}},
)

#: Stacks; responses that use a deprecated one carry a warning, as the overview says.
STACKS = (
    {"name": "heroku-24", "state": "public", "default": True},
    {"name": "heroku-22", "state": "public", "default": False},
    {"name": "heroku-20", "state": "deprecated", "default": False},
    # The stack the schema's examples name (Heroku's reference prints it).
    {"name": "heroku-18", "state": "deprecated", "default": False},
)
DEPRECATED_STACKS = frozenset(s["name"] for s in STACKS if s["state"] == "deprecated")
STACK_WARNING = ("stack_deprecated", "This stack is deprecated.")

SERVICES = (
    ("heroku-postgresql", "Heroku Postgres", ("essential-0", "essential-1", "standard-0"), 500),
    ("heroku-redis", "Heroku Key-Value Store", ("mini", "premium-0"), 300),
    ("papertrail", "Papertrail", ("choklad", "fixa"), 700),
    ("scheduler", "Heroku Scheduler", ("standard",), 0),
)

APP_FEATURES = (
    ("preboot", "Provide seamless web dyno deploys.", True),
    ("runtime-dyno-metadata", "Expose dyno metadata as environment variables.", False),
    ("log-runtime-metrics", "Emit dyno resource usage into the app's logs.", True),
    ("http-session-affinity", "Route a client's requests to the same web dyno.", False),
)
ACCOUNT_FEATURES = (
    ("dashboard-metrics", "Show app metrics on the dashboard.", True),
    ("pipelines-sharing", "Share pipelines with teammates.", False),
    ("spaces-strict-tls", "Refuse TLS 1.0 for private spaces.", False),
)


@dataclass(slots=True)
class PresetContext:
    """What a preset may look at: the RNG, the parent object and a picker."""

    rng: random.Random
    parent: dict[str, Any] | None
    index: int
    pick: Callable[[str, Callable[[dict[str, Any]], bool] | None], dict[str, Any] | None]


Preset = Callable[[PresetContext], list[dict[str, Any]]]


def app_name(rng: random.Random) -> str:
    """A Heroku-style app name: ``polar-sierra-42817``."""
    return f"{rng.choice(ADJECTIVES)}-{rng.choice(NOUNS)}-{rng.randint(10000, 99999)}"


def _hex(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789abcdef") for _ in range(n))


def _named(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda obj: obj.get("name") == name


def _plan_of(service: str) -> Callable[[dict[str, Any]], bool]:
    return lambda obj: str(obj.get("name", "")).startswith(service + ":")


def _regions(ctx: PresetContext) -> list[dict[str, Any]]:
    return [dict(r) for r in REGIONS]


def _stacks(ctx: PresetContext) -> list[dict[str, Any]]:
    return [dict(s) for s in STACKS]


#: Values for objects created through the API where the schema's examples would
#: mislead (a brand-new app has not been archived or built yet; its first release,
#: made with it, sets ``released_at``).
CREATE_DEFAULTS: dict[str, dict[str, Any]] = {
    "app": {"stack": STACKS[0]["name"], "archived_at": None, "released_at": None,
            "buildpack_provided_description": None, "repo_size": 0, "slug_size": 0,
            "maintenance": False},
    "add-on": {"state": "provisioning"},
    "dyno": {"state": "starting", "type": "run", "attach_url": None},
    "collaborator": {"role": "collaborator", "permissions": []},
    "domain": {"status": "pending", "kind": "custom"},
}


def _apps(ctx: PresetContext) -> list[dict[str, Any]]:
    out = []
    for i, region in enumerate(("us", "eu", "us", "eu")):
        stack = str(STACKS[2 if i == 3 else i % 2]["name"])
        out.append({
            "name": app_name(ctx.rng),
            "region": ctx.pick("region", _named(region)) or {"name": region},
            "stack": ctx.pick("stack", _named(stack)) or stack,
            "generation": ctx.pick("generation", _named("cedar")),
            "maintenance": i == 2,
            "buildpack_provided_description": ("Ruby", "Node.js", "Python", "Go")[i],
            "repo_size": ctx.rng.randint(1, 90) * 1_000_000,
            "slug_size": ctx.rng.randint(10, 200) * 1_000_000, "archived_at": None,
        })
    return out


def _services(ctx: PresetContext) -> list[dict[str, Any]]:
    return [{"name": n, "human_name": h, "state": "ga", "cli_plugin_name": None}
            for n, h, _plans, _price in SERVICES]


def _plans(ctx: PresetContext) -> list[dict[str, Any]]:
    service = (ctx.parent or {}).get("name")
    for name, human, plans, price in SERVICES:
        if name == service:
            return [{"name": f"{name}:{p}", "human_name": p.replace("-", " ").title(),
                     "description": f"{human} {p}", "state": "public", "default": j == 0,
                     "price": {"cents": price * (j + 1), "unit": "month", "contract": False}}
                    for j, p in enumerate(plans)]
    return []


def _addons(ctx: PresetContext) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for service in (SERVICES[0][0], SERVICES[1 + ctx.rng.randrange(3)][0]):
        plan = ctx.pick("plan", _plan_of(service))
        price = (plan or {}).get("price")
        billed = dict(price) if isinstance(price, dict) else {
            "cents": 0, "unit": "month", "contract": False}
        out.append({"name": f"{service.split('-')[-1]}-{app_name(ctx.rng)}",
                    "plan": plan or {"name": f"{service}:standard"}, "state": "provisioned",
                    "addon_service": ctx.pick("add-on-service", _named(service)),
                    "billed_price": billed, "billing_entity": None, "actions": [],
                    "web_url": None, "provision_message": None,
                    "provider_id": f"resource{ctx.rng.randint(1000, 9999)}"})
    return out


def _domains(ctx: PresetContext) -> list[dict[str, Any]]:
    app = str((ctx.parent or {}).get("name", "example"))
    return [
        {"hostname": f"{app}.herokuapp.com", "kind": "heroku", "status": "none", "cname": None},
        {"hostname": f"www.{app.split('-')[1]}-{ctx.index}.example.com", "kind": "custom",
         "status": "succeeded", "cname": f"{app}-{_hex(ctx.rng, 6)}.herokudns.com"},
    ]


def _releases(ctx: PresetContext) -> list[dict[str, Any]]:
    notes = ("Initial release", "Set LANG config vars", "Attach DATABASE (@ref:postgresql)",
             f"Deploy {_hex(ctx.rng, 7)}")
    return [{"version": v + 1, "description": d, "status": "succeeded", "current": v == 3,
             "eligible_for_rollback": v < 3, "output_stream_url": None}
            for v, d in enumerate(notes)]


#: Dyno sizes as Heroku sells them: name, compute units, memory (GB), cost, dedicated.
DYNO_SIZES = (
    ("eco", 1, 0.5, 5, False), ("basic", 1, 0.5, 7, False),
    ("standard-1X", 1, 0.5, 25, False), ("standard-2X", 4, 1.0, 50, False),
    ("performance-M", 12, 2.5, 250, True), ("performance-L", 50, 14.0, 500, True),
)
#: What each seeded app runs: process type, command, how many, on which size.
PROCESSES = (
    ("web", "bundle exec puma -C config/puma.rb", 2, "standard-1X"),
    ("worker", "bundle exec sidekiq", 1, "standard-1X"),
)


def _dyno_sizes(ctx: PresetContext) -> list[dict[str, Any]]:
    generation = ctx.pick("generation", _named("cedar"))
    return [{"name": n, "compute": c, "memory": m, "dedicated": d, "private_space_only": False,
             "cost": {"cents": cents * 100, "unit": "month"}, "architecture": "amd64",
             "precise_dyno_units": float(c), "dyno_units": c,
             "generation": generation} for n, c, m, cents, d in DYNO_SIZES]


def _generations(ctx: PresetContext) -> list[dict[str, Any]]:
    return [{"name": "cedar", "expanded_supported_features": []},
            {"name": "fir", "expanded_supported_features": []}]


def _size(ctx: PresetContext, name: str) -> dict[str, Any] | None:
    return ctx.pick("dyno-size", _named(name))


def _formation(ctx: PresetContext) -> list[dict[str, Any]]:
    # A formation says exactly what runs: as many dynos of each type (see _dynos).
    return [{"type": t, "command": c, "size": size, "dyno_size": _size(ctx, size) or {
        "name": size}, "quantity": q} for t, c, q, size in PROCESSES]


def _dynos(ctx: PresetContext) -> list[dict[str, Any]]:
    release = ctx.pick("release", lambda r: r.get("current") is True or r.get("version") == 4)
    return [{"size": size, "state": "up", "attach_url": None, "release": release,
             "name": f"{t}.{n}", "type": t, "command": c}
            for t, c, q, size in PROCESSES for n in range(1, q + 1)]


def _collaborators(ctx: PresetContext) -> list[dict[str, Any]]:
    emails = TEAMMATES[: 1 + ctx.index % 2]
    return [{"user": {"email": e, "federated": False}, "role": "collaborator",
             "permissions": [], "silent": False} for e in emails]


def _keys(ctx: PresetContext) -> list[dict[str, Any]]:
    out = []
    for kind, host in (("ssh-ed25519", "laptop"), ("ssh-rsa", "workstation")):
        body = "AAAAC3NzaC1lZDI1NTE5AAAA" + _hex(ctx.rng, 43)
        out.append({"public_key": f"{kind} {body} developer@{host}",
                    "fingerprint": ":".join(_hex(ctx.rng, 2) for _ in range(16)),
                    "email": ACCOUNT["email"], "comment": f"developer@{host}"})
    return out


def _features(table: tuple[tuple[str, str, bool], ...]) -> Preset:
    def make(ctx: PresetContext) -> list[dict[str, Any]]:
        return [{"name": n, "description": d, "enabled": e, "state": "public",
                 "display_name": n.replace("-", " ").capitalize(),
                 "doc_url": f"https://devcenter.heroku.com/articles/{n}",
                 "feedback_email": "feedback@example.com"} for n, d, e in table]
    return make


#: The id the schema's examples give every object (the first seeded one carries it).
EXAMPLE_ID = "01234567-89ab-cdef-0123-456789abcdef"


def _couplings(ctx: PresetContext) -> list[dict[str, Any]]:
    """Two apps in one pipeline, each app in at most one (the example app first)."""
    first = ctx.pick("app", lambda d: d.get("id") == EXAMPLE_ID) or ctx.pick("app", None)
    first_id = (first or {}).get("id")
    second = ctx.pick("app", lambda d: d.get("id") != first_id)
    pipeline = ctx.pick("pipeline", lambda d: d.get("id") == EXAMPLE_ID) or ctx.pick(
        "pipeline", None)
    return [{"app": app, "pipeline": pipeline, "stage": stage}
            for app, stage in ((first, "production"), (second, "staging")) if app]


def _log_drains(ctx: PresetContext) -> list[dict[str, Any]]:
    return [{"url": f"syslog+tls://logs{ctx.rng.randint(1, 9)}.papertrailapp.com:"
             f"{ctx.rng.randint(10000, 65000)}", "token": f"d.{_hex(ctx.rng, 32)}"}]


#: Resource key -> preset. Keys are domain names shared by both schema formats.
PRESETS: dict[str, Preset] = {
    "region": _regions,
    "stack": _stacks,
    "app": _apps,
    "add-on-service": _services,
    "plan": _plans,
    "add-on": _addons,
    "domain": _domains,
    "release": _releases,
    "generation": _generations,
    "dyno-size": _dyno_sizes,
    "formation": _formation,
    "dyno": _dynos,
    "collaborator": _collaborators,
    "key": _keys,
    "app-feature": _features(APP_FEATURES),
    "account-feature": _features(ACCOUNT_FEATURES),
    "log-drain": _log_drains,
    "pipeline-coupling": _couplings,
}

CONFIG_VARS = {"LANG": "en_US.UTF-8", "RACK_ENV": "production", "WEB_CONCURRENCY": "2"}


def config_vars(rng: random.Random, app: dict[str, Any]) -> dict[str, str]:
    """A plausible config var map for an app."""
    name = str(app.get("name", "app"))
    values = dict(CONFIG_VARS)
    values["DATABASE_URL"] = (
        f"postgres://u{_hex(rng, 8)}:p{_hex(rng, 12)}@ec2-{rng.randint(1, 250)}-compute.example"
        f".com:5432/d{_hex(rng, 10)}"
    )
    values["SECRET_KEY_BASE"] = _hex(rng, 64)
    values["APP_NAME"] = name
    return values


def fresh_name(resource: str, obj: dict[str, Any], rng: random.Random) -> str | None:
    """A new name in Heroku's style for an object created without one, if known."""
    if resource == "app":
        return app_name(rng)
    if resource == "add-on":
        plan = obj.get("plan")
        plan_name = plan.get("name") if isinstance(plan, dict) else plan
        service = str(plan_name or "addon").split(":")[0].split("-")[-1]
        return f"{service}-{app_name(rng)}"
    return None


def derived(resource: str, obj: dict[str, Any]) -> None:
    """Fields that follow from others (an app's URLs follow its name)."""
    if resource == "app" and isinstance(obj.get("name"), str):
        name = obj["name"]
        if "web_url" in obj:
            obj["web_url"] = f"https://{name}.herokuapp.com/"
        if "git_url" in obj:
            obj["git_url"] = f"https://git.heroku.com/{name}.git"
