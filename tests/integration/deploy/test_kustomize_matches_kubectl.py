"""The test renderer (tests/unit/deploy/kustomize_render.py) against the real
kustomize, where one is installed: `kubectl kustomize` (kustomize is built into
kubectl) must print the same resources, field for field, for both overlays.
Skipped where kubectl is absent: the unit tests then rely on the renderer
alone."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from tests.unit.deploy.kustomize_render import render, resource_id
from tests.unit.deploy.rendered_overlays import KUBERNETES, OVERLAYS

KUBECTL = shutil.which("kubectl")


@pytest.mark.skipif(
    KUBECTL is None, reason="kubectl (built-in kustomize) not installed"
)
@pytest.mark.parametrize("overlay", OVERLAYS)
def test_renderer_prints_what_kubectl_kustomize_prints(overlay: str) -> None:
    directory = KUBERNETES / "overlays" / overlay
    printed = subprocess.run(
        [str(KUBECTL), "kustomize", str(directory)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    theirs = {resource_id(r): r for r in yaml.safe_load_all(printed) if r}
    ours = {resource_id(r): r for r in render(directory)}
    assert set(ours) == set(theirs)
    for key, resource in ours.items():
        assert json.dumps(resource, sort_keys=True) == json.dumps(
            theirs[key], sort_keys=True
        )
