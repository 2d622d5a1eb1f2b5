"""The kustomize overlays of deploy/kubernetes, rendered once per test run.

Rendering happens at collection time (the parametrized tests need the list
of manifests), so no test pays for it. Tests must not modify what they get.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

from tests.unit.deploy.kustomize_render import Resource, render

DEPLOY = Path(__file__).resolve().parents[3] / "deploy"
KUBERNETES = DEPLOY / "kubernetes"
OVERLAYS = ("dev", "prod")
WORKLOAD_KINDS = frozenset({"Deployment", "Job"})


@cache
def rendered(overlay: str) -> tuple[Resource, ...]:
    return tuple(render(KUBERNETES / "overlays" / overlay))


def find(overlay: str, kind: str, name: str) -> Resource:
    matches = [
        r
        for r in rendered(overlay)
        if r["kind"] == kind and r["metadata"]["name"] == name
    ]
    assert len(matches) == 1, (
        f"{overlay}: expected one {kind}/{name}, got {len(matches)}"
    )
    return matches[0]


def of_kind(overlay: str, kind: str) -> list[Resource]:
    return [r for r in rendered(overlay) if r["kind"] == kind]


def manifest_params() -> list[tuple[str, str, str]]:
    return [
        (overlay, r["kind"], r["metadata"]["name"])
        for overlay in OVERLAYS
        for r in rendered(overlay)
    ]


def pod_templates(overlay: str) -> Iterator[tuple[Resource, dict[str, Any]]]:
    """(workload, pod template) for every Deployment and Job."""
    for resource in rendered(overlay):
        if resource["kind"] in WORKLOAD_KINDS:
            yield resource, resource["spec"]["template"]


def container(overlay: str, deployment: str) -> dict[str, Any]:
    containers = find(overlay, "Deployment", deployment)["spec"]["template"]["spec"][
        "containers"
    ]
    assert len(containers) == 1
    result: dict[str, Any] = containers[0]
    return result


def env(container_spec: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {entry["name"]: entry for entry in container_spec.get("env", [])}
