"""Every module's ``__all__`` names what it really has (ruff's RUF022 keeps each
list sorted)."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import heroku_explorer

# (__main__ runs the command line when imported)
MODULES = sorted(m.name for m in pkgutil.walk_packages(heroku_explorer.__path__,
                                                       "heroku_explorer.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_all_names_exist(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    if exported is None:
        return
    assert len(set(exported)) == len(exported), f"{name}: a name is listed twice"
    missing = [n for n in exported if not hasattr(module, n)]
    assert missing == [], f"{name}.__all__ lists names it does not have: {missing}"

