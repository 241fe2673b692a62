"""The explorer's key-binding ids: what ``[keys]`` in the config file can remap.

The ids are read from the ``BINDINGS`` of every screen and widget class of the
package, so a new binding with an ``id`` is remappable (and listed) at once.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from dataclasses import dataclass

__all__ = ["BindingInfo", "binding_ids", "main"]


@dataclass(frozen=True, slots=True)
class BindingInfo:
    id: str
    key: str
    description: str
    where: str


def binding_ids() -> dict[str, BindingInfo]:
    """Every binding id of the explorer, with its default key and where it acts."""
    from textual.binding import Binding
    from textual.dom import DOMNode

    import heroku_explorer.tui as package

    found: dict[str, BindingInfo] = {}
    for info in sorted(pkgutil.walk_packages(package.__path__, package.__name__ + "."),
                       key=lambda m: m.name):
        if info.name.endswith(".keys"):
            continue
        module = importlib.import_module(info.name)
        for obj in vars(module).values():
            if not (inspect.isclass(obj) and issubclass(obj, DOMNode)
                    and obj.__module__ == module.__name__):
                continue
            for binding in obj.__dict__.get("BINDINGS", ()):
                if isinstance(binding, Binding) and binding.id and binding.id not in found:
                    found[binding.id] = BindingInfo(binding.id, binding.key,
                                                    binding.description, obj.__name__)
    return dict(sorted(found.items()))


def main() -> None:
    """Print the ids as a Markdown table (the README's "Remapping keys" section)."""
    print("| id | default key | what it does | where |")
    print("| --- | --- | --- | --- |")
    for info in binding_ids().values():
        print(f"| `{info.id}` | `{info.key}` | {info.description} | {info.where} |")


if __name__ == "__main__":
    main()
