"""Properties of the rendered workloads that the schemas cannot check: probes,
resources (the API under 1 GiB), hardening, pinned images, the migration Job
(and API pods that leave migrating to it), autoscaling, and what prod
changes. How each process reaches PostgreSQL: test_database_urls.py."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.deploy.container_env import container_env
from tests.unit.deploy.kustomize_render import split_image
from tests.unit.deploy.pod_settings import settings_of
from tests.unit.deploy.quantities import quantity
from tests.unit.deploy.rendered_overlays import (
    OVERLAYS,
    container,
    env,
    find,
    of_kind,
    pod_templates,
    rendered,
)
from till.platform.settings import InfraSettings

# `till worker` and `till scheduler` take no traffic from a Service, so a
# readiness probe would route nothing; their liveness probe is on the metrics
# port (test_metrics_wiring.py).
WITHOUT_READINESS = {"till-worker", "till-scheduler"}
ONE_GIB = quantity("1Gi")


def _containers(pod_template: dict[str, Any]) -> list[dict[str, Any]]:
    spec = pod_template["spec"]
    return [*spec.get("initContainers", []), *spec["containers"]]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_container_requests_cpu_and_memory_and_has_a_memory_limit(
    overlay: str,
) -> None:
    for workload, template in pod_templates(overlay):
        for spec in _containers(template):
            resources = spec["resources"]
            assert {"cpu", "memory"} <= set(resources["requests"]), workload["metadata"]
            assert "memory" in resources["limits"], workload["metadata"]["name"]
            limit, request = (
                resources["limits"]["memory"],
                resources["requests"]["memory"],
            )
            assert quantity(request) <= quantity(limit)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_api_memory_limit_is_below_one_gibibyte(overlay: str) -> None:
    limit = container(overlay, "till-api")["resources"]["limits"]["memory"]
    assert quantity(limit) < ONE_GIB


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_api_probes_liveness_on_healthz_readiness_on_readyz_and_startup(
    overlay: str,
) -> None:
    api = container(overlay, "till-api")
    ports = {port["name"]: port["containerPort"] for port in api["ports"]}
    probes = {
        kind: (api[kind]["httpGet"]["path"], api[kind]["httpGet"]["port"])
        for kind in ("livenessProbe", "readinessProbe", "startupProbe")
    }
    assert probes == {
        "livenessProbe": ("/healthz", "http"),
        "readinessProbe": ("/readyz", "http"),
        "startupProbe": ("/healthz", "http"),
    }
    assert ports["http"] == 8000
    assert (
        "--port" in api["args"]
        and api["args"][api["args"].index("--port") + 1] == "8000"
    )


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_process_has_a_liveness_probe_and_only_the_api_a_readiness_probe(
    overlay: str,
) -> None:
    containers = {
        d["metadata"]["name"]: d["spec"]["template"]["spec"]["containers"][0]
        for d in of_kind(overlay, "Deployment")
    }
    assert all("livenessProbe" in c for c in containers.values())
    unready = {name for name, c in containers.items() if "readinessProbe" not in c}
    assert unready == WITHOUT_READINESS


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pod_runs_as_non_root_on_a_read_only_root_filesystem(
    overlay: str,
) -> None:
    for workload, template in pod_templates(overlay):
        pod = template["spec"]["securityContext"]
        assert pod["runAsNonRoot"] is True and pod["runAsUser"] != 0
        assert pod["seccompProfile"]["type"] == "RuntimeDefault"
        assert template["spec"]["automountServiceAccountToken"] is False
        for spec in _containers(template):
            security = spec["securityContext"]
            assert security["readOnlyRootFilesystem"] is True, workload["metadata"][
                "name"
            ]
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            mounts = {m["mountPath"] for m in spec["volumeMounts"]}
            assert "/tmp" in mounts  # noqa: S108 (the one writable mount, not a file)


def _all_images(overlay: str) -> list[str]:
    images = [c["image"] for _, t in pod_templates(overlay) for c in _containers(t)]
    cluster = find(overlay, "Cluster", "till-db")["spec"]
    redis = find(overlay, "RedisFailover", "till-redis")["spec"]
    return [
        *images,
        cluster["imageName"],
        find(overlay, "RabbitmqCluster", "till-rabbitmq")["spec"]["image"],
        redis["redis"]["image"],
        redis["sentinel"]["image"],
    ]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_image_is_pinned_to_a_tag(overlay: str) -> None:
    for image in _all_images(overlay):
        _, tag, digest = split_image(image)
        assert (tag or digest) and tag != "latest", image


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_api_runs_neither_worker_nor_scheduler_and_exports_traces(overlay: str) -> None:
    variables = env(container(overlay, "till-api"))
    assert variables["TILL_WORKER_IN_PROCESS"]["value"] == "false"
    assert variables["TILL_SCHEDULER_IN_PROCESS"]["value"] == "false"
    config = find(overlay, "ConfigMap", "till-config")["data"]
    assert config["OTEL_EXPORTER_OTLP_ENDPOINT"].startswith("http://otel-collector.")
    for name in ("till-api", "till-worker", "till-scheduler"):
        sources = container(overlay, name)["envFrom"]
        assert {"configMapRef": {"name": "till-config"}} in sources


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_migration_job_runs_till_migrate_with_the_api_image(overlay: str) -> None:
    job = find(overlay, "Job", "till-migrate")
    spec = job["spec"]["template"]["spec"]
    assert spec["containers"][0]["args"] == ["migrate"]
    assert spec["containers"][0]["image"] == container(overlay, "till-api")["image"]
    assert spec["restartPolicy"] == "Never"
    assert job["metadata"]["annotations"]["argocd.argoproj.io/hook"] == "PreSync"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_api_pods_leave_migrations_to_the_job(overlay: str) -> None:
    # Alembic takes no lock: API pods starting together would each migrate.
    api = find(overlay, "Deployment", "till-api")
    settings = settings_of(container_env(rendered(overlay), api))
    assert settings.till_migrate_on_start is False
    assert InfraSettings.model_fields["till_migrate_on_start"].default is True


# (minReplicas, maxReplicas) each overlay promises (deploy/kubernetes/README.md).
_HPA_BOUNDS = {
    "dev": {"till-api": (1, 2), "till-worker": (1, 2)},
    "prod": {"till-api": (3, 20), "till-worker": (3, 12)},
}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_autoscalers_scale_existing_deployments_on_cpu_from_their_floor(
    overlay: str,
) -> None:
    for hpa in of_kind(overlay, "HorizontalPodAutoscaler"):
        target = find(overlay, "Deployment", hpa["spec"]["scaleTargetRef"]["name"])
        spec = hpa["spec"]
        bounds = (spec["minReplicas"], spec["maxReplicas"])
        assert bounds == _HPA_BOUNDS[overlay][hpa["metadata"]["name"]]
        assert target["spec"]["replicas"] == spec["minReplicas"]
        assert [m["resource"]["name"] for m in spec["metrics"]] == ["cpu"]
    assert {
        h["metadata"]["name"] for h in of_kind(overlay, "HorizontalPodAutoscaler")
    } == {
        "till-api",
        "till-worker",
    }


def _replicas(overlay: str, name: str) -> int:
    return int(find(overlay, "Deployment", name)["spec"]["replicas"])


def test_dev_runs_one_replica_of_each_process() -> None:
    assert {
        d["metadata"]["name"]: d["spec"]["replicas"]
        for d in of_kind("dev", "Deployment")
    } == {
        "till-api": 1,
        "till-worker": 1,
        "till-scheduler": 1,
    }


def test_prod_runs_at_least_three_api_replicas_with_wider_autoscaling() -> None:
    assert _replicas("prod", "till-api") >= 3 > _replicas("dev", "till-api")
    prod, dev = (
        find(o, "HorizontalPodAutoscaler", "till-api")["spec"] for o in ("prod", "dev")
    )
    assert prod["minReplicas"] >= 3 and prod["maxReplicas"] > dev["maxReplicas"]


@pytest.mark.parametrize("name", ["till-api", "till-worker", "till-scheduler"])
def test_prod_gives_every_process_more_resources_than_dev(name: str) -> None:
    prod, dev = (container(o, name)["resources"] for o in ("prod", "dev"))
    for section in ("requests", "limits"):
        for resource in ("cpu", "memory"):
            assert quantity(prod[section][resource]) > quantity(dev[section][resource])


def test_every_rendered_resource_names_the_till_image_once_per_workload() -> None:
    for overlay in OVERLAYS:
        till = [
            c["image"]
            for r in rendered(overlay)
            if r["kind"] in ("Deployment", "Job")
            for c in r["spec"]["template"]["spec"]["containers"]
        ]
        assert len(till) == 4 and len(set(till)) == 1
