"""The Platform API reference's curl examples (built from today's schema as the
reference builds them), run with the real ``curl`` against fresh loopback sandboxes."""

from __future__ import annotations

import pytest

from tests.real_clients import curl_examples
from tests.real_clients.support import spec_for

if not curl_examples.curl_present():
    pytest.skip("curl is not installed", allow_module_level=True)


def test_the_examples_are_the_reference_s(ref_hyper_path: object) -> None:
    spec, _ = spec_for("today")
    built = {e.name: e for e in curl_examples.build(spec)}
    assert len(built) >= 40
    create = built["app Create"]
    assert create.argv[:5] == ["curl", "-sS", "-X", "POST", "{base}/apps"]
    assert "Accept: application/vnd.heroku+json; version=3" in create.argv
    assert "Content-Type: application/json" in create.argv
    assert create.status == 201 and create.shape == "object"
    assert built["dyno Restart all"].status == 202
    assert built["app List"].shape == "list"


def test_every_everyday_example_answers_as_the_reference_says(ref_hyper_path: object) -> None:
    passed, failures = curl_examples.run_all("today")
    assert failures == [], f"{passed} passed"
    assert passed >= 40
