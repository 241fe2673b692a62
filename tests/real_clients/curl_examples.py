"""The Platform API reference's curl examples, run with the real ``curl`` binary.

The reference (devcenter.heroku.com/articles/platform-api-reference) prints, for
each link of the schema, a curl command built from the link's href, method and the
schema's example values::

    $ curl -n -X POST https://api.heroku.com/apps \\
      -d '{"name": "example", ...}' \\
      -H "Content-Type: application/json" \\
      -H "Accept: application/vnd.heroku+json; version=3"

These are the same commands, built the same way from today's schema (path
placeholders filled with the schema's examples, which name seeded objects), with
the host rewritten to a fresh loopback sandbox and ``-n`` (the netrc token) turned
into an ``Authorization`` header. Each must answer as the reference says: the
documented status and shape (an object, a list, or an empty object).
``python -m tests.real_clients.curl_examples`` prints the table.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from heroku_explorer.examples import example_request, example_values
from heroku_explorer.sandbox.app import SANDBOX_TOKEN
from heroku_explorer.schema.model import Action, ApiSpec
from tests.real_clients.support import loopback_only, loopback_sandbox, spec_for

ACCEPT = "application/vnd.heroku+json; version=3"
#: Everyday links of the reference: (resource, link title). Domain Create is left out:
#: its example lacks the required ``sni_endpoint``, so Heroku refuses it too.
EVERYDAY = (
    ("account", "Info"), ("account", "Update"), ("account-feature", "List"),
    ("account-feature", "Info"), ("account-feature", "Update"), ("add-on", "List"),
    ("add-on", "List By App"), ("add-on", "Info By App"), ("add-on", "Create"),
    ("add-on", "Update"), ("add-on", "Delete"), ("add-on-attachment", "List by App"),
    ("add-on-service", "List"), ("add-on-service", "Info"), ("plan", "List By Add-on"),
    ("app", "List"), ("app", "Info"), ("app", "Create"), ("app", "Update"), ("app", "Delete"),
    ("app-feature", "List"), ("app-feature", "Info"), ("app-feature", "Update"),
    ("build", "List"), ("build", "Info"), ("build", "Create"), ("collaborator", "List"),
    ("collaborator", "Create"), ("config-var", "Info for App"),
    ("config-var", "Update"), ("domain", "List"), ("domain", "Info"),
    ("dyno", "List"), ("dyno", "Info"), ("dyno", "Create"), ("dyno", "Restart"),
    ("dyno", "Restart all"), ("dyno", "Stop"), ("dyno-size", "List"), ("formation", "List"),
    ("formation", "Info"), ("formation", "Update"), ("formation", "Batch Update"),
    ("key", "List"), ("log-drain", "List"), ("log-session", "Create"),
    ("pipeline", "List"), ("pipeline", "Info"), ("pipeline-coupling", "List"),
    ("pipeline-coupling", "Info By App"),
    ("rate-limit", "Info"), ("region", "List"), ("region", "Info"), ("release", "List"),
    ("release", "Info"), ("release", "Rollback"), ("space", "List"), ("stack", "List"),
    ("stack", "Info"), ("team", "List"),
)


@dataclass(frozen=True, slots=True)
class Example:
    name: str
    argv: list[str]
    """The curl command, host and auth rewritten; ``{base}`` stands for the sandbox."""
    status: int
    shape: str


def _action(spec: ApiSpec, resource: str, title: str) -> Action:
    res = spec.resource(resource)
    found = [a for a in res.actions if a.title == title] if res is not None else []
    if not found:
        raise LookupError(f"today's schema has no {resource} {title!r}")
    return found[0]


def _shape(action: Action) -> str:
    if action.rel == "empty" or action.response.kind == "empty":
        return "empty"
    return "list" if action.is_list or action.response.kind == "list" else "object"


def _filled(action: Action) -> tuple[str, Any]:
    """The path and body the reference prints: the request examples.py builds, or,
    where the schema's examples do not pass its own checks, the examples as they are
    (as the reference prints them regardless)."""
    request, _problem = example_request(action)
    if request is not None:
        path = request.path + ("?" + "&".join(f"{k}={v}" for k, v in request.query)
                               if request.query else "")
        return path, request.body
    values = example_values(action)
    path = action.path
    for param in action.path_params:
        path = path.replace("{" + param.name + "}", quote(str(values.pop(param.name, "")),
                                                          safe=""))
    body = {k: v for k, v in values.items() if k not in {p.name for p in action.query_params}}
    return path, body or None


def build(spec: ApiSpec) -> list[Example]:
    out = []
    for resource, title in EVERYDAY:
        action = _action(spec, resource, title)
        path, body = _filled(action)
        argv = ["curl", "-sS", "-X", action.method, "{base}" + path]
        if body is not None:
            argv += ["-d", json.dumps(body), "-H", "Content-Type: application/json"]
        argv += ["-H", f"Accept: {ACCEPT}", "-H", f"Authorization: Bearer {SANDBOX_TOKEN}"]
        shape = _shape(action)
        # An action with nothing to answer is accepted: 202, as the reference shows.
        status = 202 if shape == "empty" and not action.statuses_documented else (
            201 if 201 in action.statuses else (action.statuses[0] if action.statuses else 200))
        out.append(Example(f"{resource} {title}", argv, status, shape))
    return out


def run(example: Example, base: str) -> str | None:
    """Send one example to a sandbox at ``base``: ``None``, or what went wrong."""
    argv = [a.replace("{base}", base) for a in example.argv]
    argv[1:1] = ["--noproxy", "*", "-o", "-", "-w", "\n%{http_code}"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=30, check=False)
    if done.returncode != 0:
        return f"curl exit {done.returncode}: {done.stderr.strip()}"
    body, _, code = done.stdout.rpartition("\n")
    if int(code) != example.status:
        return f"{code} (the reference says {example.status}): {body[:200]}"
    try:
        data: Any = json.loads(body)
    except ValueError:
        return f"not JSON: {body[:200]}"
    ok = {"list": isinstance(data, list), "object": isinstance(data, dict) and bool(data),
          "empty": data == {} or isinstance(data, dict)}[example.shape]
    return None if ok else f"answered a {type(data).__name__}, not {example.shape}: {body[:200]}"


def run_all(which: str = "today") -> tuple[int, list[tuple[str, str]]]:
    """Every everyday example, each against a fresh loopback sandbox."""
    spec, _ = spec_for(which)
    failures, passed = [], 0
    for example in build(spec):
        with loopback_sandbox(which) as base:
            problem = run(example, base)
        if problem is None:
            passed += 1
        else:
            failures.append((example.name, problem))
    return passed, failures


def curl_present() -> bool:
    return shutil.which("curl") is not None


if __name__ == "__main__":
    loopback_only()
    passed, failures = run_all()
    print(f"curl examples on today: {passed} of {passed + len(failures)} pass")
    for name, problem in failures:
        print(f"  FAIL {name}: {problem}")
    sys.exit(0)
