"""Build the bundled 2013 schema, ``heroku_explorer/schema/bundled/resources-2013.json``.

The bundled schema starts from the seed: Heroku's 2013 API manifest as published in
the ``heroku-client`` npm package, a text file that is cut off part-way through its
resources. The seed is parsed leniently; every resource it holds in full is kept as
given, and every resource it lacks or holds only in part is taken from
``scripts/bundled_completion.json``, which holds those resources complete in the same
manifest format. The seed's top-level ``description`` and ``overview`` are kept as
given. The few rules the manifest omits but Heroku enforced (:data:`RULES`, such as
an app name's pattern) are added to their attributes. Resources come out in the
seed's order, followed by the completed ones in alphabetical order (the manifest
lists its resources alphabetically).

The output is pretty JSON (two-space indent, keys in the manifest's own order, a
trailing newline) and the same inputs always give the same bytes.

Run it from anywhere::

    python scripts/build_bundled.py [--seed PATH] [--completion PATH] [--out PATH]

``--seed`` defaults to the first ``../shared/seeds/000_*.txt`` beside the repository
root, ``--completion`` to ``scripts/bundled_completion.json`` and ``--out`` to
``heroku_explorer/schema/bundled/resources-2013.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED_GLOB = "000_*.txt"
DEFAULT_SEED_DIR = ROOT.parent / "shared" / "seeds"
DEFAULT_COMPLETION = ROOT / "scripts" / "bundled_completion.json"
DEFAULT_OUT = ROOT / "heroku_explorer" / "schema" / "bundled" / "resources-2013.json"

#: The rules the 2013 manifest leaves out but Heroku enforced then and enforces now,
#: as in today's schema: resource -> attribute -> keys added to that attribute.
RULES: dict[str, dict[str, dict[str, str]]] = {
    "App": {"name": {"pattern": "^[a-z][a-z0-9-]{1,28}[a-z0-9]$"}},
}

#: Keys every resource of a 2013 manifest carries.
RESOURCE_KEYS = ("actions", "attributes", "description")


class BuildError(Exception):
    """The inputs cannot be combined into a complete manifest."""


def default_seed() -> Path:
    """The first seed manifest beside the repository root."""
    seeds = sorted(DEFAULT_SEED_DIR.glob(SEED_GLOB)) if DEFAULT_SEED_DIR.is_dir() else []
    if not seeds:
        raise BuildError(f"no seed matching {SEED_GLOB} in {DEFAULT_SEED_DIR}; pass --seed PATH")
    return seeds[0]


def parse_seed(raw: bytes, origin: str) -> tuple[dict[str, Any], tuple[str, ...]]:
    """Parse the (possibly cut-off) seed leniently: the document and the cut paths."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from heroku_explorer.errors import SchemaError
    from heroku_explorer.schema import jsontext

    try:
        doc, cut = jsontext.parse_document(jsontext.decode_text(raw, origin), origin,
                                           lenient=True)
    except SchemaError as exc:
        raise BuildError(str(exc)) from exc
    if not isinstance(doc, dict):
        raise BuildError(f"{origin}: the seed is not a JSON object")
    return doc, tuple(cut)


def complete_seed_resources(doc: Mapping[str, Any], cut: Sequence[str],
                            origin: str) -> tuple[dict[str, Any], set[str]]:
    """The seed's complete resources (in seed order) and the names of the cut ones.

    A cut path names a container the lenient parser had to close. Closing the
    ``resources`` object or the top level only means the text stopped inside them;
    a resource is cut when a path is ``resources/<name>`` or lies below it. The
    top-level ``description`` and ``overview`` must be whole.
    """
    resources = doc.get("resources")
    if not isinstance(resources, Mapping):
        raise BuildError(f"{origin}: the seed has no 'resources' object")
    for path in cut:
        top = path.split("/", 1)[0]
        if top in ("description", "overview"):
            raise BuildError(f"{origin}: the seed's {top!r} is cut off ({path})")
    cut_names = {
        name for name in resources
        for path in cut
        if path == f"resources/{name}" or path.startswith(f"resources/{name}/")
    }
    kept = {name: res for name, res in resources.items() if name not in cut_names}
    return kept, cut_names


def load_completion(path: Path) -> dict[str, Any]:
    """The complete resources from ``bundled_completion.json``, checked for shape."""
    data = json.loads(path.read_text(encoding="utf-8"))
    resources = data.get("resources") if isinstance(data, dict) else None
    if not isinstance(resources, dict) or not resources:
        raise BuildError(f"{path}: expected an object {{\"resources\": {{...}}}}")
    for name, res in resources.items():
        if not isinstance(res, dict) or any(key not in res for key in RESOURCE_KEYS):
            raise BuildError(f"{path}: resource {name!r} needs the keys {', '.join(RESOURCE_KEYS)}")
        if not isinstance(res["actions"], dict) or not isinstance(res["attributes"], dict):
            raise BuildError(f"{path}: resource {name!r} needs 'actions' and 'attributes' objects")
    return resources


def build(seed_raw: bytes, seed_origin: str, completion: Mapping[str, Any]) -> dict[str, Any]:
    """Combine the seed and the completion into the full manifest."""
    doc, cut = parse_seed(seed_raw, seed_origin)
    for key in ("description", "overview"):
        if key not in doc:
            raise BuildError(f"{seed_origin}: the seed has no top-level {key!r}")
    kept, cut_names = complete_seed_resources(doc, cut, seed_origin)
    missing = sorted(cut_names - set(completion))
    if missing:
        raise BuildError(f"{seed_origin}: cut off in the seed and absent from the completion: "
                         + ", ".join(missing))
    resources: dict[str, Any] = {
        name: res for name, res in kept.items() if name not in completion
    }
    for name in sorted(completion):
        resources[name] = completion[name]
    for name, attrs in RULES.items():
        table = resources.get(name, {}).get("attributes", {})
        for attr, rules in attrs.items():
            if attr not in table:
                raise BuildError(f"the rule for {name}.{attr} has no attribute to go on")
            table[attr] = {**table[attr], **rules}
    return {"description": doc["description"], "overview": doc["overview"],
            "resources": resources}


def render(manifest: Mapping[str, Any]) -> str:
    """Pretty JSON in the manifest's own key order, with a trailing newline."""
    return json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--seed", type=Path, default=None,
                        help=f"the seed manifest (default: {DEFAULT_SEED_DIR}/{SEED_GLOB})")
    parser.add_argument("--completion", type=Path, default=DEFAULT_COMPLETION,
                        help="complete versions of the resources the seed lacks")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT,
                        help="where to write the bundled schema")
    args = parser.parse_args(argv)
    try:
        seed: Path = args.seed if args.seed is not None else default_seed()
        manifest = build(seed.read_bytes(), str(seed), load_completion(args.completion))
    except (BuildError, OSError, ValueError) as exc:
        print(f"build_bundled: {exc}", file=sys.stderr)
        return 1
    out: Path = args.out
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8", newline="\n") as handle:
        handle.write(render(manifest))
    n_actions = sum(len(res.get("actions", {})) for res in manifest["resources"].values())
    print(f"wrote {out}: {len(manifest['resources'])} resources, {n_actions} actions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
