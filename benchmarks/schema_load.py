"""Median time to load and normalise a schema, printed.

    python benchmarks/schema_load.py [--runs 21]

Targets on a 2-core machine: the modern Hyper-Schema under 60 ms (its json.loads
alone is 5-7 ms), the bundled 2013 manifest under 10 ms. The modern schema is read
from ../shared/reference when it is there (it is test data, not part of the package).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT.parent / "shared" / "reference"


def _median_ms(fn: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return statistics.median(samples)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()

    sys.path.insert(0, str(ROOT))
    from heroku_explorer.schema import load_schema
    from heroku_explorer.schema.loader import BUNDLED_NAME

    bundled = (ROOT / "heroku_explorer" / "schema" / "bundled" / BUNDLED_NAME).read_bytes()
    rows: list[tuple[str, float, float | None, str]] = []
    rows.append((
        "bundled 2013 manifest",
        _median_ms(lambda: load_schema(bundled, origin="bundled"), args.runs),
        _median_ms(lambda: json.loads(bundled), args.runs),
        "< 10 ms",
    ))
    for name in ("heroku-platform-api-schema.json", "heroku-platform-api-schema-3.sdk.json"):
        path = REFERENCE / name
        if not path.exists():
            print(f"(skipping {name}: not found in {REFERENCE})")
            continue
        data = path.read_bytes()
        rows.append((
            name,
            _median_ms(lambda d=data, n=name: load_schema(d, origin=n), args.runs),  # type: ignore[misc]
            _median_ms(lambda d=data: json.loads(d), args.runs),  # type: ignore[misc]
            "< 60 ms",
        ))

    print(f"median of {args.runs} runs, python {sys.version.split()[0]}")
    print(f"{'schema':<42} {'load+normalise':>15} {'json.loads':>11}  target")
    for label, total, parse, target in rows:
        print(f"{label:<42} {total:>12.1f} ms {parse or 0:>8.1f} ms  {target}")

    code = (
        "import sys, heroku_explorer.schema; "
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'textual', 'prompt_toolkit'}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         cwd=ROOT, check=True)
    print(f"UI modules pulled in by 'import heroku_explorer.schema': {out.stdout.strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
