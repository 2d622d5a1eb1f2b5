"""Every manifest the dev and prod overlays render is valid: built-in kinds
against the Kubernetes JSON schemas (kubernetes-validate, strict: unknown
fields are errors), custom resources against the operators' CRD schemas
vendored in crds/. No rendered kind may escape both."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from tests.unit.deploy import crd_schemas, k8s_schemas
from tests.unit.deploy.rendered_overlays import find, manifest_params

BUILT_IN = [p for p in manifest_params() if p[1] not in crd_schemas.CUSTOM_KINDS]
CUSTOM = [p for p in manifest_params() if p[1] in crd_schemas.CUSTOM_KINDS]


def _id(param: tuple[str, str, str]) -> str:
    return "-".join(param)


@pytest.fixture(scope="module", autouse=True)
def _schemas_loaded() -> Iterator[None]:
    # Parse the 1.4 MB definitions and build the validators once, outside
    # any test's timing.
    k8s_schemas.registry()
    for api_version, kind in crd_schemas.SCHEMA_FILES:
        crd_schemas.crd_validator(api_version, kind)
    for overlay, kind, name in BUILT_IN:
        manifest = find(overlay, kind, name)
        k8s_schemas.validator_for(manifest["apiVersion"], manifest["kind"])
    yield


def test_the_pinned_kubernetes_version_is_bundled() -> None:
    assert k8s_schemas.schema_version_available()


@pytest.mark.parametrize("param", BUILT_IN, ids=_id)
def test_manifest_is_valid_for_kubernetes(param: tuple[str, str, str]) -> None:
    manifest = find(*param)
    assert k8s_schemas.kubernetes_errors(manifest) == []


@pytest.mark.parametrize("param", CUSTOM, ids=_id)
def test_custom_resource_is_valid_for_its_operator(param: tuple[str, str, str]) -> None:
    manifest = find(*param)
    assert crd_schemas.crd_errors(manifest) == []


@pytest.mark.parametrize("param", BUILT_IN, ids=_id)
def test_every_built_in_kind_has_a_kubernetes_schema(
    param: tuple[str, str, str],
) -> None:
    manifest = find(*param)
    assert k8s_schemas.validator_for(manifest["apiVersion"], manifest["kind"])


def test_a_custom_kind_has_no_kubernetes_schema_to_hide_behind() -> None:
    with pytest.raises(k8s_schemas.NoKubernetesSchema):
        k8s_schemas.validator_for("postgresql.cnpg.io/v1", "Cluster")


def test_a_misspelt_deployment_field_is_rejected() -> None:
    deployment = copy.deepcopy(find("prod", "Deployment", "till-api"))
    deployment["spec"]["replica"] = deployment["spec"].pop("replicas")
    errors = k8s_schemas.kubernetes_errors(deployment)
    assert any("replica" in error for error in errors), errors


def test_a_wrongly_typed_probe_is_rejected() -> None:
    deployment = copy.deepcopy(find("prod", "Deployment", "till-api"))
    container = deployment["spec"]["template"]["spec"]["containers"][0]
    container["livenessProbe"]["periodSeconds"] = "ten"
    assert k8s_schemas.kubernetes_errors(deployment)
