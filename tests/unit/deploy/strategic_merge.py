"""Strategic merge patches, only as far as deploy/kubernetes uses them.

Maps merge key by key and a null value deletes a key, as in Kubernetes'
strategic merge patch. Lists are where the two differ from a plain merge: in
the built-in kinds a list is merged element by element on its merge key
(containers by name, ...); in custom resources kustomize knows no merge keys
and replaces the list whole. kustomize (v5, kyaml) puts the patch's elements
first, in the patch's order, then the target's other elements in theirs: so
a patched env variable moves to the top, where a `$(NAME)` in it sees none
of the variables it used to follow. Every list of a built-in kind that is not in the
two tables below, and every `$patch`-style directive, raises
UnsupportedPatch rather than being merged in a way kustomize would not.
"""

from __future__ import annotations

import copy
from typing import Any

# The patchMergeKey of these fields in the Kubernetes API (core/v1, apps/v1).
MERGE_KEYS = {
    "containers": "name",
    "initContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "imagePullSecrets": "name",  # pragma: allowlist secret
}
# Lists without a merge key in the Kubernetes API: a patch replaces them.
ATOMIC_LISTS = frozenset({"args", "command"})
BUILT_IN_GROUPS = frozenset(
    {"", "apps", "batch", "autoscaling", "policy", "networking.k8s.io"}
)


class UnsupportedPatch(Exception):
    """The patch uses strategic-merge behaviour this module does not model."""


def api_group(api_version: str) -> str:
    return api_version.rpartition("/")[0]


def strategic_merge(target: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """The target with the patch applied; neither argument is modified."""
    built_in = api_group(str(target.get("apiVersion", ""))) in BUILT_IN_GROUPS
    return _merge_map(copy.deepcopy(target), patch, built_in, path="")


def _merge_map(
    base: dict[str, Any], patch: dict[str, Any], built_in: bool, path: str
) -> dict[str, Any]:
    for key, value in patch.items():
        where = f"{path}.{key}"
        if key.startswith("$"):
            raise UnsupportedPatch(f"directive {key} at {where}")
        if value is None:
            base.pop(key, None)
        elif isinstance(value, dict) and isinstance(base.get(key), dict):
            base[key] = _merge_map(base[key], value, built_in, where)
        elif isinstance(value, list) and key in base:
            base[key] = _merge_list(key, base[key], value, built_in, where)
        else:
            base[key] = copy.deepcopy(value)
    return base


def _merge_list(
    key: str, base: list[Any], patch: list[Any], built_in: bool, where: str
) -> list[Any]:
    if not built_in or key in ATOMIC_LISTS:
        return copy.deepcopy(patch)
    merge_key = MERGE_KEYS.get(key)
    if merge_key is None:
        raise UnsupportedPatch(f"list {where}: its merge strategy is not modelled")
    merged = []
    for item in patch:
        if not isinstance(item, dict) or merge_key not in item:
            raise UnsupportedPatch(f"list {where}: item without {merge_key}")
        same = [e for e in base if e.get(merge_key) == item[merge_key]]
        target = copy.deepcopy(same[0]) if same else {}
        merged.append(_merge_map(target, item, built_in, where))
    patched = {item[merge_key] for item in patch}
    rest = [copy.deepcopy(e) for e in base if e.get(merge_key) not in patched]
    return merged + rest
