"""jq filters on answers, with jq's own syntax (libjq, through the ``jq`` package).

A filter runs in a child Python process: libjq holds the interpreter lock while it
works, so a filter such as ``last(range(1e10))`` would freeze a front end; a child
can be stopped. It gets :data:`TIMEOUT` seconds and an address-space limit, and stops
after :data:`MAX_OUTPUT` bytes of results (``cut`` says so). A bad expression or a
filter that fails is a :class:`JqError` whose message is one sentence: jq's own
words, made visible (control characters escaped), never a traceback.

:func:`lines` prints results like ``jq -r -c``: a string result as it is, anything
else as compact JSON, one result per line.
"""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from dataclasses import dataclass, field
from typing import Any

from heroku_explorer.errors import ExplorerError
from heroku_explorer.safe_text import visible

__all__ = ["MAX_OUTPUT", "TIMEOUT", "JqError", "JqResult", "arun", "lines", "pretty", "run"]

#: Seconds a filter may run.
TIMEOUT = 5.0
#: Bytes of results kept (as JSON); the rest is left off.
MAX_OUTPUT = 4 * 1024 * 1024
#: Bytes of memory the child may map.
_MEMORY = 1024 * 1024 * 1024

_CHILD = r"""
import json, sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
except Exception:
    pass
limit = int(sys.argv[1])
job = json.loads(sys.stdin.buffer.read())
def say(obj):
    sys.stdout.write(json.dumps(obj))
    sys.stdout.flush()
try:
    import jq
except ImportError:
    say({"error": "missing"}); sys.exit(0)
try:
    program = jq.compile(job["expr"])
except ValueError as exc:
    say({"error": "compile", "message": str(exc)}); sys.exit(0)
out, size, cut = [], 0, False
try:
    for value in program.input_value(job["data"]):
        text = json.dumps(value)
        size += len(text) + 1
        if size > limit:
            cut = True
            break
        out.append(value)
except MemoryError:
    say({"error": "memory"}); sys.exit(0)
except Exception as exc:
    say({"error": "run", "message": str(exc)}); sys.exit(0)
say({"results": out, "cut": cut})
"""


class JqError(ExplorerError):
    """A jq filter that could not run: the message is one sentence for a person."""


@dataclass(frozen=True, slots=True)
class JqResult:
    """What a filter gave: its results, and whether some were left off."""

    values: list[Any] = field(default_factory=list)
    cut: bool = False


def _sentence(prefix: str, message: str) -> str:
    first = next((ln for ln in message.splitlines() if ln.strip()), "").strip()
    for lead in ("jq: error: ", "jq: error:", "jq: "):
        if first.startswith(lead):
            first = first[len(lead):]
    first = first.rstrip(":").strip() or "jq gave no reason"
    if len(first) > 200:
        first = first[:199] + "…"
    return visible(f"{prefix}: {first}.", single_line=True)


def run(expr: str, data: Any, *, timeout: float = TIMEOUT,
        max_output: int = MAX_OUTPUT) -> JqResult:
    """The results of the jq filter ``expr`` on ``data`` (parsed JSON)."""
    if not expr.strip():
        raise JqError("The jq filter is empty: give one, such as '.name' or '.[] | .id'.")
    try:
        job = json.dumps({"expr": expr, "data": data}, ensure_ascii=False).encode(
            "utf-8", "surrogatepass")
    except (TypeError, ValueError, RecursionError):
        raise JqError("This answer cannot be given to jq: it is not plain JSON.") from None
    try:
        proc = subprocess.run(
            [sys.executable, "-I", "-c", _CHILD, str(max_output), str(_MEMORY)],
            input=job, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise JqError(f"The jq filter ran longer than {timeout:g} seconds and was "
                      "stopped.") from None
    except OSError as exc:
        raise JqError(visible(f"jq could not be started: {exc.strerror or exc}.",
                              single_line=True)) from None
    try:
        answer = json.loads(proc.stdout or b"null")
    except ValueError:
        answer = None
    if not isinstance(answer, dict):
        raise JqError("The jq filter stopped without a result (it may have needed more "
                      "memory than it may use).")
    error = answer.get("error")
    if error == "missing":
        raise JqError("jq filters need the jq package: pip install 'jq>=1.6'.")
    if error == "memory":
        raise JqError("The jq filter needed more memory than it may use and was stopped.")
    if error == "compile":
        raise JqError(_sentence("The jq filter is not valid", str(answer.get("message", ""))))
    if error == "run":
        raise JqError(_sentence("The jq filter failed", str(answer.get("message", ""))))
    return JqResult(list(answer.get("results") or []), bool(answer.get("cut")))


async def arun(expr: str, data: Any, *, timeout: float = TIMEOUT,
               max_output: int = MAX_OUTPUT) -> JqResult:
    """:func:`run` off the event loop."""
    return await asyncio.to_thread(run, expr, data, timeout=timeout, max_output=max_output)


def lines(result: JqResult) -> list[str]:
    """One line per result, like ``jq -r -c``: strings raw, the rest compact JSON.
    Not yet made visible: a pipe gets them as they are."""
    out = [v if isinstance(v, str) else json.dumps(v, ensure_ascii=False)
           for v in result.values]
    if result.cut:
        out.append(f"(more results left off after {MAX_OUTPUT // (1024 * 1024)} MiB)")
    return out


def pretty(result: JqResult) -> str:
    """The results for a screen: each indented JSON (strings raw), made visible."""
    parts = [v if isinstance(v, str) else json.dumps(v, indent=2, ensure_ascii=False)
             for v in result.values]
    if result.cut:
        parts.append("(more results left off)")
    return visible("\n".join(parts)) if parts else "(no results)"
