"""heroku3 (PyPI) against a fresh loopback sandbox, on today's schema and the bundled one.

On today's schema every everyday call passes; on the 2013 manifest every call its
shapes can express (:data:`INEXPRESSIBLE_BUNDLED` says which cannot, and a test
shows that those really fail there).
"""

from __future__ import annotations

import pytest

from tests.real_clients.heroku3_steps import INEXPRESSIBLE_BUNDLED, connect, steps
from tests.real_clients.support import SCHEMAS, loopback_sandbox, report, run_steps

pytest.importorskip("heroku3", reason="heroku3 is in the test extra")


@pytest.mark.parametrize("which", SCHEMAS)
def test_everyday_calls_pass(which: str, ref_hyper_path: object) -> None:
    with loopback_sandbox(which) as url:
        table = steps(url, which)
        passed, failures = run_steps(table)
    expected = 23 if which == "today" else 23 - len(INEXPRESSIBLE_BUNDLED)
    assert len(table) == expected
    assert failures == [], report("heroku3", which, passed, failures)


def test_the_app_model_cannot_read_a_2013_app(ref_hyper_path: object) -> None:
    """Why the App calls are left out on the bundled schema: its stack is a string."""
    with loopback_sandbox("bundled") as url, pytest.raises(AttributeError):
        connect(url).apps()
