"""No module of the package is over 450 lines: a module that grows past that holds
more than one concern, and is split by concern."""

from __future__ import annotations

from pathlib import Path

PKG = Path(__file__).resolve().parent.parent / "heroku_explorer"
LIMIT = 450


def test_no_module_over_the_limit() -> None:
    sizes = {str(p.relative_to(PKG.parent)): len(p.read_text(encoding="utf-8").splitlines())
             for p in PKG.rglob("*.py")}
    assert {name: n for name, n in sizes.items() if n > LIMIT} == {}
