"""``docs/reliability.md`` is the table the fault cases produce today."""

from __future__ import annotations

import difflib

from tests.faults.cases import CASES
from tests.faults.report import DOC, build
from tests.faults.server import FAULTS


def test_every_case_is_a_fault_the_server_has() -> None:
    assert {c.fault for c in CASES} - {"refused"} <= set(FAULTS)


def test_the_reliability_document_is_current() -> None:
    fresh = build()
    current = DOC.read_text(encoding="utf-8")
    diff = "\n".join(difflib.unified_diff(current.splitlines(), fresh.splitlines(),
                                          "docs/reliability.md", "generated", lineterm=""))
    assert fresh == current, (
        "docs/reliability.md is stale; run `python -m tests.faults.report --write`\n" + diff)
