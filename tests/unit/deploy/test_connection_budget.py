"""The connections the deployment files can open fit what they give
PostgreSQL and PgBouncer, with every Deployment at its autoscaler's ceiling
(docs/operations/connection-pooling.md, "The arithmetic for N processes"):
each pooler instance takes every client, so that one can carry them all
while another restarts; the primary's max_connections covers the pooler's
server connections, the sessions, the superuser reserve and replication; a
replica's covers all the API's replica pools (the -ro service may send them
to one). Compose: its till containers' pools fit PostgreSQL's default 100."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.deploy.compose_file import services
from tests.unit.deploy.container_env import container_env, service_and_port
from tests.unit.deploy.pod_settings import settings_of
from tests.unit.deploy.rendered_overlays import OVERLAYS, find, of_kind, rendered
from till.platform.settings import InfraSettings

SUPERUSER_RESERVED = 3  # PostgreSQL's superuser_reserved_connections default
# `till migrate` (the Job) and one one-off command at a time (`kubectl exec
# … till audit verify`), each a session of its own.
ONE_OFF_SESSIONS = 2
COMPOSE_MAX_CONNECTIONS = 100  # the postgres image's default


@pytest.fixture(scope="module", autouse=True)
def _rendered() -> None:
    for overlay in OVERLAYS:
        rendered(overlay)


def _ceiling(overlay: str, deployment: dict[str, Any]) -> int:
    name = deployment["metadata"]["name"]
    for hpa in of_kind(overlay, "HorizontalPodAutoscaler"):
        if hpa["spec"]["scaleTargetRef"]["name"] == name:
            return int(hpa["spec"]["maxReplicas"])
    return int(deployment["spec"]["replicas"])


def _processes(args: list[str]) -> int:
    """uvicorn workers of `till serve --workers N` (each has its own pools)."""
    return int(args[args.index("--workers") + 1]) if "--workers" in args else 1


def _runs_scheduler(args: list[str], settings: InfraSettings) -> bool:
    return args[0] == "scheduler" or (
        args[0] == "serve" and settings.till_scheduler_in_process
    )


def _demand(overlay: str) -> dict[str, int]:
    """Connections at the ceiling, by the Service they go to."""
    demand: dict[str, int] = {}
    for deployment in of_kind(overlay, "Deployment"):
        variables = container_env(rendered(overlay), deployment)
        settings = settings_of(variables)
        (container,) = deployment["spec"]["template"]["spec"]["containers"]
        processes = _ceiling(overlay, deployment) * _processes(container["args"])
        uses = [
            (
                "DATABASE_URL",
                settings.till_db_pool_size + settings.till_db_max_overflow,
            ),
            ("DATABASE_REPLICA_URL", settings.till_db_replica_pool_size),
            ("DATABASE_SESSION_URL", _runs_scheduler(container["args"], settings)),
        ]
        for variable, per_process in uses:
            if variables.get(variable) and per_process:
                namespace = deployment["metadata"]["namespace"]
                service, _ = service_and_port(variables[variable], namespace)
                demand[service] = demand.get(service, 0) + processes * per_process
    return demand


def _pooler(overlay: str) -> tuple[str, int, dict[str, int]]:
    (pooler,) = of_kind(overlay, "Pooler")
    parameters = {
        k: int(v) for k, v in pooler["spec"]["pgbouncer"]["parameters"].items()
    }
    return pooler["metadata"]["name"], int(pooler["spec"]["instances"]), parameters


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_pooler_instance_takes_every_client(overlay: str) -> None:
    name, _, parameters = _pooler(overlay)
    clients = _demand(overlay)[name]
    assert clients <= parameters["max_client_conn"], clients


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_primary_has_a_connection_for_everything_that_opens_one(
    overlay: str,
) -> None:
    cluster = find(overlay, "Cluster", "till-db")["spec"]
    max_connections = int(cluster["postgresql"]["parameters"]["max_connections"])
    _, instances, parameters = _pooler(overlay)
    server = instances * (
        parameters["default_pool_size"] + parameters.get("reserve_pool_size", 0)
    )
    sessions = _demand(overlay).get("till-db-rw", 0) + ONE_OFF_SESSIONS
    replication = cluster["instances"] - 1
    needed = server + sessions + SUPERUSER_RESERVED + replication
    assert needed <= max_connections, (server, sessions, replication)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_a_replica_takes_every_replica_pool(overlay: str) -> None:
    cluster = find(overlay, "Cluster", "till-db")["spec"]
    # A hot standby runs with its primary's max_connections (CloudNativePG
    # gives every instance the same parameters).
    max_connections = int(cluster["postgresql"]["parameters"]["max_connections"])
    reads = _demand(overlay).get("till-db-ro", 0)
    assert reads + SUPERUSER_RESERVED <= max_connections
    assert (reads > 0) == (cluster["instances"] > 1)


def test_compose_pools_fit_postgresqls_default_connections() -> None:
    needed = SUPERUSER_RESERVED + ONE_OFF_SESSIONS
    for name in ("api", "worker", "scheduler"):
        service = services()[name]
        settings = settings_of(service["environment"])
        pools = settings.till_db_pool_size + settings.till_db_max_overflow
        session = _runs_scheduler(service["command"], settings)
        needed += _processes(service["command"]) * (pools + session)
    assert needed <= COMPOSE_MAX_CONNECTIONS, needed
