"""A small kustomize, enough to render deploy/kubernetes without the binary.

There is no kustomize binary in the test environment, so the overlays are
rendered here. Only the kustomization fields deploy/ uses are implemented,
in kustomize's order (resources and generators, then patches, namespace,
replicas, images); any other field, or an option of these fields that is not
modelled, raises UnsupportedKustomization, so that a new kustomize feature in
deploy/ fails the tests instead of being silently ignored. Like kustomize's
default load restrictor, files are read only from the kustomization's own
directory or below; other kustomization directories may be anywhere.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.unit.deploy.kustomize_generators import (
    UnsupportedKustomization,
    file_in,
    generate,
)
from tests.unit.deploy.strategic_merge import strategic_merge

Resource = dict[str, Any]
KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
FIELDS = frozenset(
    {
        "apiVersion",
        "kind",
        "resources",
        "namespace",
        "replicas",
        "images",
        "patches",
        "configMapGenerator",
        "secretGenerator",
        "generatorOptions",
    }
)
NAMESPACED_KINDS = frozenset(
    {
        "ConfigMap",
        "Secret",
        "Service",
        "ServiceAccount",
        "Deployment",
        "Job",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "NetworkPolicy",
        "Cluster",
        "Pooler",
        "ScheduledBackup",
        "RabbitmqCluster",
        "RedisFailover",
    }
)
REPLICA_KINDS = frozenset({"Deployment", "ReplicaSet", "StatefulSet"})
POD_SPEC_PATHS = (
    ("spec",),
    ("spec", "template", "spec"),
    ("spec", "jobTemplate", "spec", "template", "spec"),
)


def render(directory: Path) -> list[Resource]:
    """The resources `kustomize build directory` would print (any order)."""
    root = directory.resolve()
    kustomization = _load_kustomization(root)
    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        resources += _load_resource(root, entry)
    resources += generate(root, kustomization)
    _refuse_duplicates(resources)
    for patch in kustomization.get("patches", []):
        _apply_patch(root, resources, patch)
    if "namespace" in kustomization:
        _set_namespace(resources, kustomization["namespace"])
    for replica in kustomization.get("replicas", []):
        _set_replicas(resources, replica)
    for image in kustomization.get("images", []):
        _set_image(resources, image)
    return resources


def _load_kustomization(root: Path) -> dict[str, Any]:
    for name in KUSTOMIZATION_FILES:
        if (root / name).is_file():
            document = yaml.safe_load((root / name).read_text()) or {}
            break
    else:
        raise UnsupportedKustomization(f"no kustomization file in {root}")
    unknown = set(document) - FIELDS
    if unknown:
        raise UnsupportedKustomization(f"{root}: fields {sorted(unknown)}")
    if document.get("kind", "Kustomization") != "Kustomization":
        raise UnsupportedKustomization(f"{root}: kind {document['kind']}")
    return dict(document)


def _load_resource(root: Path, entry: str) -> list[Resource]:
    if "://" in entry or entry.startswith("git@"):
        raise UnsupportedKustomization(f"remote resource {entry}")
    if (root / entry).is_dir():
        return render(root / entry)
    path = file_in(root, entry)
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


def resource_id(resource: Resource) -> tuple[str, str, str]:
    return (
        str(resource["apiVersion"]).rpartition("/")[0],
        resource["kind"],
        resource["metadata"]["name"],
    )


def _refuse_duplicates(resources: list[Resource]) -> None:
    seen = set()
    for resource in resources:
        if resource_id(resource) in seen:
            raise UnsupportedKustomization(f"duplicate {resource_id(resource)}")
        seen.add(resource_id(resource))


def _apply_patch(root: Path, resources: list[Resource], patch: dict[str, Any]) -> None:
    if set(patch) != {"path"}:
        raise UnsupportedKustomization(f"patch {patch}: only `path` is implemented")
    documents = [
        d for d in yaml.safe_load_all(file_in(root, patch["path"]).read_text()) if d
    ]
    for document in documents:
        if not isinstance(document, dict):
            raise UnsupportedKustomization(
                f"{patch['path']}: not a strategic merge patch"
            )
        matches = [
            i
            for i, r in enumerate(resources)
            if resource_id(r) == resource_id(document)
        ]
        if len(matches) != 1:
            raise UnsupportedKustomization(
                f"{patch['path']}: no unique target {resource_id(document)}"
            )
        resources[matches[0]] = strategic_merge(resources[matches[0]], document)


def _set_namespace(resources: list[Resource], namespace: str) -> None:
    for resource in resources:
        kind, name = resource["kind"], resource["metadata"]["name"]
        if kind == "Namespace" and name != namespace:
            raise UnsupportedKustomization(
                f"Namespace {name} under namespace {namespace}"
            )
        if kind != "Namespace" and kind not in NAMESPACED_KINDS:
            raise UnsupportedKustomization(f"namespace scope of {kind} unknown")
        if kind != "Namespace":
            resource["metadata"]["namespace"] = namespace


def _set_replicas(resources: list[Resource], replica: dict[str, Any]) -> None:
    if set(replica) != {"name", "count"}:
        raise UnsupportedKustomization(f"replicas entry {replica}")
    targets = [
        r
        for r in resources
        if r["kind"] in REPLICA_KINDS and r["metadata"]["name"] == replica["name"]
    ]
    if not targets:
        raise UnsupportedKustomization(f"replicas: no workload {replica['name']}")
    for resource in targets:
        resource["spec"]["replicas"] = replica["count"]


def split_image(image: str) -> tuple[str, str | None, str | None]:
    """(name, tag, digest) of an image reference."""
    name, _, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        return name[:colon], name[colon + 1 :], digest or None
    return name, None, digest or None


def _set_image(resources: list[Resource], image: dict[str, Any]) -> None:
    if set(image) - {"name", "newName", "newTag"}:
        raise UnsupportedKustomization(f"images entry {image}")
    for resource in resources:
        for path in POD_SPEC_PATHS:
            spec = _dig(resource, path)
            for field in ("containers", "initContainers"):
                for container in (spec or {}).get(field, []):
                    name, tag, digest = split_image(container.get("image", ""))
                    if name != image["name"]:
                        continue
                    new = image.get("newName", name)
                    new_tag = image.get("newTag", tag)
                    container["image"] = new + (f":{new_tag}" if new_tag else "")
                    container["image"] += f"@{digest}" if digest else ""


def _dig(resource: Resource, path: tuple[str, ...]) -> Any:
    node: Any = resource
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node
