"""The official Heroku CLI (npm ``heroku``, pinned) against a fresh loopback sandbox.

Each schema's table runs in one process (the CLI starts slowly) inside a network
namespace with only loopback where the machine allows it; skipped with a reason
when the CLI is not installed (``.ci/run`` installs it into ``.cache/heroku-cli``).
"""

from __future__ import annotations

import shutil
from typing import Any

import pytest

from tests.real_clients import cli_steps

#: CLI commands the 2013 manifest cannot express, and why (README: "Real clients
#: against the sandbox").
INEXPRESSIBLE_BUNDLED = {
    "apps": "lists GET /users/~/apps, which the manifest lacks",
    "apps:info": "reads today's stack object (app.stack.name); the manifest's stack is a string",
    "releases:info": "reads GET /apps/{app}/releases/{version}/config-vars (not in the manifest)",
    "releases:rollback": "the manifest has no Release Create or Rollback",
    "rollback recorded": "follows releases:rollback",
    "ps:scale": "sends Formation Batch Update (not in the manifest)",
    "ps:type": "sends Formation Batch Update (not in the manifest)",
    "ps:restart": "sends Dyno Restart All (DELETE /apps/{app}/dynos; not in the manifest)",
    "ps:stop": "sends Dyno Stop (not in the manifest)",
    "addons": "reads add-on attachments (not in the manifest)",
    "addons:info": "2013 add-ons have no name to look them up by",
    "domains": "sorts on today's domain kind (the manifest's domains have no kind)",
    "domains:add": "reads GET /apps/{app}/sni-endpoints (not in the manifest)",
    "domains:remove": "follows domains:add",
    "access": "shows today's collaborator role (the manifest's collaborators have none)",
    "apps:stacks": "the manifest has no stacks",
    "pipelines": "the manifest has no pipelines",
    "spaces": "the manifest has no spaces",
    "teams": "the manifest has no teams",
}

if cli_steps.find_cli() is None:
    why = ("npm is not installed" if shutil.which("npm") is None else
           "the Heroku CLI is not installed (.ci/run installs it into .cache/heroku-cli)")
    pytest.skip(why, allow_module_level=True)


@pytest.fixture(scope="module", params=["today", "bundled"])
def table(request: pytest.FixtureRequest) -> dict[str, Any]:
    result: dict[str, Any] = cli_steps.run_table(request.param)
    return result


def test_everyday_commands_pass(table: dict[str, Any], ref_hyper_path: object) -> None:
    failures = {f["name"]: f["error"] for f in table["failures"]}
    allowed = INEXPRESSIBLE_BUNDLED if table["schema"] == "bundled" else {}
    unexpected = {k: v for k, v in failures.items() if k not in allowed}
    assert unexpected == {}, f"{table['passed']} passed; failing: {unexpected}"
    # What the README says cannot be expressed really fails there.
    assert set(allowed) <= set(failures)


def test_the_cli_ran_on_loopback_only(table: dict[str, Any]) -> None:
    if not cli_steps.unshare_works():
        pytest.skip("this machine cannot make a network namespace (unshare -n)")
    assert table["namespace"] is True
