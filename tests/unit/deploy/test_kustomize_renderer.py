"""The test renderer of kustomizations (kustomize_render.py): it renders the
overlays, and it refuses what it does not implement instead of ignoring it."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from tests.unit.deploy.kustomize_render import (
    UnsupportedKustomization,
    render,
    split_image,
)
from tests.unit.deploy.rendered_overlays import find, rendered
from tests.unit.deploy.strategic_merge import UnsupportedPatch, strategic_merge

COMMON = {
    ("Namespace", None),
    ("ServiceAccount", "till"),
    ("ConfigMap", "till-config"),
    ("ConfigMap", "till-prometheus-rules"),
    ("ConfigMap", "till-grafana-dashboards"),
    ("Job", "till-migrate"),
    ("Deployment", "till-api"),
    ("Service", "till-api"),
    ("Deployment", "till-worker"),
    ("Deployment", "till-scheduler"),
    ("HorizontalPodAutoscaler", "till-api"),
    ("HorizontalPodAutoscaler", "till-worker"),
    ("PodDisruptionBudget", "till-api"),
    ("PodDisruptionBudget", "till-worker"),
    ("PodDisruptionBudget", "till-scheduler"),
    ("NetworkPolicy", "till-default-deny"),
    ("NetworkPolicy", "till-api-ingress"),
    ("NetworkPolicy", "till-prometheus-scrape"),
    ("NetworkPolicy", "till-egress-services"),
    ("NetworkPolicy", "till-egress-https"),
    ("Cluster", "till-db"),
    ("Pooler", "till-db-pooler-rw"),
    ("RabbitmqCluster", "till-rabbitmq"),
    ("RedisFailover", "till-redis"),
}
EXPECTED = {
    "dev": COMMON | {("Secret", "till-secrets"), ("Secret", "till-redis-auth")},
    "prod": COMMON | {("ScheduledBackup", "till-db-nightly")},
}
NAMESPACES = {"dev": "till-dev", "prod": "till"}


def _kinds_and_names(overlay: str) -> set[tuple[str, str | None]]:
    return {
        (r["kind"], None if r["kind"] == "Namespace" else r["metadata"]["name"])
        for r in rendered(overlay)
    }


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_overlay_renders_exactly_the_expected_resources(overlay: str) -> None:
    assert _kinds_and_names(overlay) == EXPECTED[overlay]


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_overlay_puts_every_resource_in_its_namespace(overlay: str) -> None:
    namespace = NAMESPACES[overlay]
    assert find(overlay, "Namespace", namespace)
    for resource in rendered(overlay):
        if resource["kind"] != "Namespace":
            assert resource["metadata"]["namespace"] == namespace, resource["kind"]


def test_prod_overlay_points_the_images_at_its_registry() -> None:
    images = {
        c["image"]
        for r in rendered("prod")
        if r["kind"] in ("Deployment", "Job")
        for c in r["spec"]["template"]["spec"]["containers"]
    }
    assert images == {"registry.example.com/till:0.1.0"}


def test_dev_secret_generator_encodes_the_example_env_file() -> None:
    secret = find("dev", "Secret", "till-redis-auth")
    assert base64.b64decode(secret["data"]["password"]).decode() == "dev-only-redis"


def test_observability_config_maps_hold_the_files_verbatim() -> None:
    rules = find("prod", "ConfigMap", "till-prometheus-rules")
    alerts = Path(__file__).resolve().parents[3] / "deploy/observability/alerts.yml"
    assert rules["data"] == {"alerts.yml": alerts.read_text()}
    dashboards = find("prod", "ConfigMap", "till-grafana-dashboards")
    assert set(dashboards["data"]) == {"till.json"}
    assert dashboards["metadata"]["labels"]["grafana_dashboard"] == "1"


def _kustomization(tmp_path: Path, text: str) -> Path:
    (tmp_path / "kustomization.yaml").write_text(text)
    return tmp_path


def test_an_unimplemented_kustomization_field_is_refused(tmp_path: Path) -> None:
    root = _kustomization(tmp_path, "commonLabels: {a: b}\nresources: []\n")
    with pytest.raises(UnsupportedKustomization, match="commonLabels"):
        render(root)


def test_a_file_outside_the_kustomization_root_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
    )
    root = tmp_path / "inner"
    root.mkdir()
    _kustomization(root, "resources: [../cm.yaml]\n")
    with pytest.raises(UnsupportedKustomization, match="load restrictor"):
        render(root)


def test_a_generator_with_name_hash_suffix_is_refused(tmp_path: Path) -> None:
    root = _kustomization(
        tmp_path, "configMapGenerator:\n  - name: a\n    literals: [k=v]\n"
    )
    with pytest.raises(UnsupportedKustomization, match="hash"):
        render(root)


def test_a_patch_without_a_target_is_refused(tmp_path: Path) -> None:
    (tmp_path / "p.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n"
    )
    root = _kustomization(tmp_path, "resources: []\npatches: [{path: p.yaml}]\n")
    with pytest.raises(UnsupportedKustomization, match="no unique target"):
        render(root)


DEPLOYMENT = {
    "apiVersion": "apps/v1",
    "kind": "Deployment",
    "metadata": {"name": "d"},
    "spec": {
        "template": {
            "spec": {
                "containers": [
                    {
                        "name": "a",
                        "image": "x",
                        "args": ["1"],
                        "ports": [{"containerPort": 1}],
                    },
                    {"name": "b", "image": "y"},
                ]
            }
        }
    },
}


def test_containers_are_merged_by_name_and_atomic_lists_replaced() -> None:
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "b", "args": ["2"]}]}}}
    }
    merged = strategic_merge(DEPLOYMENT, patch)
    containers = merged["spec"]["template"]["spec"]["containers"]
    # kustomize prints the patched element first (kubectl kustomize v5.5).
    assert containers[0] == {"name": "b", "image": "y", "args": ["2"]}
    assert containers[1] == DEPLOYMENT["spec"]["template"]["spec"]["containers"][0]


def test_patched_env_variables_move_ahead_of_the_others_in_patch_order() -> None:
    env = [{"name": n, "value": n.lower()} for n in ("A", "B", "C", "D")]
    container = {"name": "a", "image": "x", "env": env}
    target = {**DEPLOYMENT, "spec": {"template": {"spec": {"containers": [container]}}}}
    patched = [{"name": "C", "value": "c2"}, {"name": "E", "value": "e"}]
    patch = {
        "spec": {"template": {"spec": {"containers": [{"name": "a", "env": patched}]}}}
    }
    merged = strategic_merge(target, patch)["spec"]["template"]["spec"]["containers"]
    assert merged[0]["env"] == [
        {"name": "C", "value": "c2"},
        {"name": "E", "value": "e"},
        {"name": "A", "value": "a"},
        {"name": "B", "value": "b"},
        {"name": "D", "value": "d"},
    ]


def test_a_null_in_a_patch_deletes_the_key() -> None:
    merged = strategic_merge(
        {"apiVersion": "v1", "kind": "X", "a": 1, "b": 2}, {"a": None}
    )
    assert merged == {"apiVersion": "v1", "kind": "X", "b": 2}


def test_lists_of_custom_resources_are_replaced_whole() -> None:
    resource = {"apiVersion": "example.com/v1", "kind": "X", "spec": {"items": [1, 2]}}
    assert strategic_merge(resource, {"spec": {"items": [3]}})["spec"]["items"] == [3]


def test_a_list_without_a_modelled_merge_strategy_is_refused() -> None:
    patch = {
        "spec": {
            "template": {
                "spec": {"containers": [{"name": "a", "ports": [{"containerPort": 2}]}]}
            }
        }
    }
    with pytest.raises(UnsupportedPatch, match="ports"):
        strategic_merge(DEPLOYMENT, patch)


def test_a_patch_directive_is_refused() -> None:
    with pytest.raises(UnsupportedPatch, match=r"\$patch"):
        strategic_merge(DEPLOYMENT, {"spec": {"$patch": "replace"}})


@pytest.mark.parametrize(
    ("image", "parts"),
    [
        ("till", ("till", None, None)),
        ("till:0.1.0", ("till", "0.1.0", None)),
        ("registry:5000/till", ("registry:5000/till", None, None)),
        ("registry:5000/till:1@sha256:ab", ("registry:5000/till", "1", "sha256:ab")),
    ],
)
def test_image_references_split_into_name_tag_and_digest(
    image: str, parts: tuple[str, str | None, str | None]
) -> None:
    assert split_image(image) == parts
