"""The layering rules of ARCHITECTURE.md, checked on the source and at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PKG = Path(__file__).resolve().parent.parent / "heroku_explorer"

CORE = ["schema", "request.py", "request_spec.py", "request_raw.py", "values.py", "examples.py",
        "client", "sandbox", "config.py", "errors.py", "protocol.py", "paths.py", "safe_text.py",
        "redaction.py", "policy.py", "crash.py", "schema_choice.py", "schema_updates.py",
        "logstream.py", "lessons", "answer_diff.py", "jq_filter.py",
        "conformance.py", "web/launch.py"]
UI = ["tui", "repl"]

# (modules, forbidden import prefixes)
RULES: list[tuple[list[str], tuple[str, ...]]] = [
    (CORE, ("textual", "prompt_toolkit")),
    (["repl"], ("textual",)),
    (UI, ("heroku_explorer.sandbox",)),
    (["client", "request.py", "request_spec.py", "request_raw.py", "values.py", "examples.py"],
     ("heroku_explorer.sandbox",)),
    (["sandbox"], ("heroku_explorer.client", "heroku_explorer.request")),
    # The browser server runs the explorer as a process per tab; it never imports it.
    (["web"], ("textual", "prompt_toolkit", "heroku_explorer.tui", "heroku_explorer.sandbox")),
]


def _files(parts: list[str]) -> list[Path]:
    out: list[Path] = []
    for part in parts:
        p = PKG / part
        if p.is_dir():
            out.extend(sorted(p.rglob("*.py")))
        elif p.exists():
            out.append(p)
    return out


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


@pytest.mark.parametrize(("parts", "forbidden"), RULES)
def test_layering(parts: list[str], forbidden: tuple[str, ...]) -> None:
    bad = [
        f"{path.relative_to(PKG.parent)} imports {name}"
        for path in _files(parts)
        for name in _imports(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]
    assert not bad, "\n".join(bad)


def test_only_schema_branches_on_the_format() -> None:
    offenders = []
    for path in PKG.rglob("*.py"):
        if "schema" in path.relative_to(PKG).parts[:1]:
            continue
        text = path.read_text(encoding="utf-8")
        if "resources-2013" in text or '"hyper-schema"' in text:
            offenders.append(str(path.relative_to(PKG.parent)))
    assert offenders == [] or offenders == ["heroku_explorer/cli.py"], offenders


def test_schema_import_is_light() -> None:
    code = (
        "import sys, heroku_explorer.schema as s; s.load_bundled(); "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('textual', 'prompt_toolkit', 'httpx', 'pygments', 'uvicorn')); print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
