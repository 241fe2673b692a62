"""The words of the command language, derived from an :class:`ApiSpec`.

One vocabulary serves the parser, the completer and the session, so a name the
completer offers is always a name the parser accepts. Nothing here is written per
resource: aliases come from keys, display names, paths and ``Param.identifies``.
"""

from __future__ import annotations

import re
from collections import defaultdict

from heroku_explorer.schema.model import Action, ApiSpec, Param, Resource

__all__ = [
    "ACTION_SYNONYMS",
    "Vocabulary",
    "default_group",
    "norm",
    "param_label",
]

#: Everyday verbs that name an action when the resource has it.
ACTION_SYNONYMS: dict[str, str] = {
    "ls": "list",
    "get": "info",
    "show": "info",
    "new": "create",
    "add": "create",
    "edit": "update",
    "rm": "delete",
    "remove": "delete",
    "destroy": "delete",
}

_SHORT_RE = re.compile(r"^(?P<head>.+?)_(?:id|identity|name|email)$")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")


def norm(word: str) -> str:
    """Case and punctuation folded: ``Add-on`` and ``add_on`` are both ``addon``."""
    return _NON_ALNUM.sub("", word.casefold())


def param_label(param: Param) -> str:
    """What a person types for ``param``: ``app`` for the path slot ``app_id_or_name``."""
    if param.location != "path":
        return param.name
    match = _SHORT_RE.match(param.name.split("_or_")[0])
    if match:
        return match["head"]
    if param.identifies:
        return param.identifies.replace("-", "_")
    return param.name


def default_group(param: Param) -> str:
    """The key under which ``set`` keeps a default for this path slot."""
    if param.identifies:
        return param.identifies
    match = _SHORT_RE.match(param.name.split("_or_")[0])
    return match["head"] if match else param.name


def _param_aliases(param: Param) -> set[str]:
    names = {param.name, param_label(param)}
    if param.location == "path":
        label = param_label(param)
        names |= {label.replace("_", "-"), label.replace("-", "_")}
        if param.identifies:
            ident = param.identifies
            names |= {ident, ident.replace("-", "_"), norm(ident)}
    return names


class Vocabulary:
    """Resolves what a person typed to resources, actions and parameters."""

    def __init__(self, spec: ApiSpec) -> None:
        self.spec = spec
        self._resources: dict[str, Resource] = {}
        for res in spec.resources:
            self._resources.setdefault(res.key, res)
        for res in spec.resources:
            for alias in (norm(res.key), norm(res.name), norm(res.key) + "s", norm(res.name) + "s"):
                self._resources.setdefault(alias, res)
        owners: dict[str, set[str]] = defaultdict(set)
        for res in spec.resources:
            for act in res.actions:
                literal = [p for p in _PLACEHOLDER.sub("{}", act.path).split("/") if p]
                tail = [p for p in literal if p != "{}"]
                if tail:
                    owners[norm(tail[-1])].add(res.key)
        for alias, keys in owners.items():
            if len(keys) == 1 and alias:
                self._resources.setdefault(alias, self._by_key(next(iter(keys))))
        self._groups: dict[str, str] = {}
        self._group_labels: dict[str, str] = {}
        for act in spec.actions():
            for p in act.path_params:
                group = default_group(p)
                self._group_labels.setdefault(group, param_label(p))
                for alias in _param_aliases(p):
                    self._groups.setdefault(alias, group)
                    self._groups.setdefault(norm(alias), group)

    def _by_key(self, key: str) -> Resource:
        res = self.spec.resource(key)
        assert res is not None
        return res

    # -- resources and actions ----------------------------------------------

    @property
    def resource_keys(self) -> list[str]:
        return [res.key for res in self.spec.resources]

    def resource(self, word: str) -> Resource | None:
        """The resource named by its key, display name or an alias (``addon``, ``apps``)."""
        if not word:
            return None
        return (
            self._resources.get(word)
            or self.spec.resource(word)
            or self._resources.get(norm(word))
        )

    def action(self, resource: Resource, word: str) -> Action | None:
        """The action of ``resource`` named by its key, title or a synonym (``ls``, ``rm``)."""
        found = resource.action(word)
        if found is not None:
            return found
        folded = norm(word)
        for act in resource.actions:
            if norm(act.key) == folded or norm(act.title) == folded:
                return act
        synonym = ACTION_SYNONYMS.get(word.casefold())
        return resource.action(synonym) if synonym else None

    # -- parameters ---------------------------------------------------------

    def param(self, action: Action, word: str) -> Param | None:
        """The parameter of ``action`` named ``word`` (``app`` for ``app_id_or_name``)."""
        exact = action.param(word)
        if exact is not None:
            return exact
        for p in action.path_params:
            aliases = _param_aliases(p)
            if word in aliases or norm(word) in {norm(a) for a in aliases}:
                return p
        folded = word.casefold()
        for p in action.query_params + action.body_params:
            if p.name.casefold() == folded:
                return p
        return None

    def param_names(self, action: Action) -> list[str]:
        """What to suggest for ``action``: labels of path slots, then the other names."""
        return [param_label(p) for p in action.params]

    # -- defaults -------------------------------------------------------------

    def default_group(self, word: str) -> str | None:
        """The ``set`` group a name belongs to (``app`` for ``app``, ``app_id_or_name``)."""
        return self._groups.get(word) or self._groups.get(norm(word))

    @property
    def default_names(self) -> list[str]:
        """One label per group: the names ``set`` suggests."""
        return sorted(self._group_labels.values())

    def group_label(self, group: str) -> str:
        return self._group_labels.get(group, group)
