"""The operators' custom resources: what they promise (instances, pooling,
backups, replicas, failover) and that the vendored CRD schemas catch the
mistakes they should — a misspelt field, a wrong enum value, a missing
required field, a value in a subtree that was not vendored."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from tests.unit.deploy import crd_schemas, k8s_schemas
from tests.unit.deploy.quantities import quantity
from tests.unit.deploy.rendered_overlays import find, of_kind


@pytest.fixture(scope="module", autouse=True)
def _validators_built() -> Iterator[None]:
    k8s_schemas.registry()
    for api_version, kind in crd_schemas.SCHEMA_FILES:
        crd_schemas.crd_validator(api_version, kind)
    yield


def _mutated(kind: str, name: str, change: Any) -> list[str]:
    resource = copy.deepcopy(find("prod", kind, name))
    change(resource["spec"])
    return crd_schemas.crd_errors(resource)


def test_a_misspelt_cluster_field_is_rejected() -> None:
    errors = _mutated(
        "Cluster", "till-db", lambda s: s.update(instance=s.pop("instances"))
    )
    assert any("instance" in e for e in errors), errors


def test_a_misspelt_nested_backup_field_is_rejected() -> None:
    def misspell(spec: dict[str, Any]) -> None:
        store = spec["backup"]["barmanObjectStore"]
        store["destinationpath"] = store.pop("destinationPath")

    errors = _mutated("Cluster", "till-db", misspell)
    assert any("destinationpath" in e for e in errors), errors
    assert any("destinationPath" in e and "required" in e for e in errors), errors


def test_a_misspelt_field_in_an_embedded_core_type_is_rejected() -> None:
    errors = _mutated(
        "Cluster", "till-db", lambda s: s.update(resources={"limts": {"memory": "1Gi"}})
    )
    assert any("limts" in e for e in errors), errors


def test_an_unknown_pool_mode_is_rejected() -> None:
    errors = _mutated(
        "Pooler",
        "till-db-pooler-rw",
        lambda s: s["pgbouncer"].update(poolMode="statement"),
    )
    assert any("statement" in e for e in errors), errors


def test_a_scheduled_backup_without_a_schedule_is_rejected() -> None:
    errors = _mutated("ScheduledBackup", "till-db-nightly", lambda s: s.pop("schedule"))
    assert any("schedule" in e for e in errors), errors


def test_a_misspelt_rabbitmq_field_is_rejected() -> None:
    errors = _mutated(
        "RabbitmqCluster",
        "till-rabbitmq",
        lambda s: s.update(replica=s.pop("replicas")),
    )
    assert any("replica" in e for e in errors), errors


def test_a_misspelt_redis_failover_field_is_rejected() -> None:
    errors = _mutated(
        "RedisFailover", "till-redis", lambda s: s["sentinel"].update(replicaz=3)
    )
    assert any("replicaz" in e for e in errors), errors


def test_a_value_in_a_subtree_that_was_not_vendored_is_rejected() -> None:
    errors = _mutated(
        "Cluster", "till-db", lambda s: s.update(affinity={"topologyKey": "x"})
    )
    assert any("not vendored" in e or "trimmed" in e for e in errors), errors


@pytest.mark.parametrize(("overlay", "instances"), [("dev", 1), ("prod", 3)])
def test_postgres_cluster_instances(overlay: str, instances: int) -> None:
    assert find(overlay, "Cluster", "till-db")["spec"]["instances"] == instances


def test_prod_postgres_archives_to_object_storage_and_backs_up_nightly() -> None:
    spec = find("prod", "Cluster", "till-db")["spec"]
    store = spec["backup"]["barmanObjectStore"]
    assert store["destinationPath"].startswith("s3://")
    assert store["s3Credentials"]["accessKeyId"]["name"] == "till-backup-s3"
    assert spec["monitoring"]["enablePodMonitor"] is True
    backup = find("prod", "ScheduledBackup", "till-db-nightly")["spec"]
    assert backup["cluster"]["name"] == "till-db"
    assert backup["method"] == "barmanObjectStore"
    assert len(backup["schedule"].split()) == 6  # CloudNativePG: seconds first


def test_dev_has_no_backup_to_fail_without_a_bucket() -> None:
    assert "backup" not in find("dev", "Cluster", "till-db")["spec"]
    assert of_kind("dev", "ScheduledBackup") == []


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_pooler_is_pgbouncer_in_transaction_mode_in_front_of_the_primary(
    overlay: str,
) -> None:
    spec = find(overlay, "Pooler", "till-db-pooler-rw")["spec"]
    assert spec["cluster"]["name"] == "till-db"
    assert spec["type"] == "rw"
    assert spec["pgbouncer"]["poolMode"] == "transaction"
    # asyncpg prepares statements: PgBouncer must track them per client.
    assert int(spec["pgbouncer"]["parameters"]["max_prepared_statements"]) > 0


@pytest.mark.parametrize(("overlay", "replicas"), [("dev", 1), ("prod", 3)])
def test_rabbitmq_cluster_replicas(overlay: str, replicas: int) -> None:
    assert (
        find(overlay, "RabbitmqCluster", "till-rabbitmq")["spec"]["replicas"]
        == replicas
    )


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_redis_has_a_sentinel_quorum_and_authentication(overlay: str) -> None:
    spec = find(overlay, "RedisFailover", "till-redis")["spec"]
    assert spec["sentinel"]["replicas"] >= 3
    assert spec["auth"]["secretPath"] == "till-redis-auth"  # pragma: allowlist secret


@pytest.mark.parametrize("overlay", ["dev", "prod"])
def test_redis_evicts_before_its_memory_limit_is_reached(overlay: str) -> None:
    redis = find(overlay, "RedisFailover", "till-redis")["spec"]["redis"]
    settings = dict(line.split(" ", 1) for line in redis["customConfig"])
    maxmemory = settings["maxmemory"].lower().replace("mb", "Mi").replace("gb", "Gi")
    assert quantity(maxmemory) < quantity(redis["resources"]["limits"]["memory"])
    assert settings["maxmemory-policy"] == "allkeys-lru"
