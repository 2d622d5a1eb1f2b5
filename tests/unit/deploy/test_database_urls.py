"""Where each till workload connects to PostgreSQL, read from the environment
its container starts with (ConfigMap, env, `$(VAR)` expansion, the
CloudNativePG application secret's `uri`): transactions through the
transaction-mode Pooler, sessions (the scheduler's advisory locks, migrations,
one-off commands) to the primary's own service, lagging reads to the
replicas; and that the network policies let each pod reach the pods behind
every URL it has. docs/operations/connection-pooling.md gives the reasons."""

from __future__ import annotations

import pytest

from tests.unit.deploy.cloudnativepg import PORT, pods, service_selectors
from tests.unit.deploy.container_env import container_env, service_and_port
from tests.unit.deploy.label_selectors import matches
from tests.unit.deploy.rendered_overlays import OVERLAYS, find, of_kind, rendered

ROLES = ("till-api", "till-worker", "till-scheduler")
DATABASE_URLS = ("DATABASE_URL", "DATABASE_SESSION_URL", "DATABASE_REPLICA_URL")


@pytest.fixture(scope="module", autouse=True)
def _rendered() -> None:
    # Render both overlays once, outside any test's timing.
    for overlay in OVERLAYS:
        rendered(overlay)


def _deployment_env(overlay: str, name: str) -> dict[str, str]:
    return container_env(rendered(overlay), find(overlay, "Deployment", name))


def _service(overlay: str, url: str) -> str:
    name, port = service_and_port(url, namespace=f"till{'-dev' * (overlay == 'dev')}")
    assert port == PORT, url
    return name


def _pooler(overlay: str) -> dict[str, str]:
    (pooler,) = of_kind(overlay, "Pooler")
    return {
        "name": pooler["metadata"]["name"],
        "type": pooler["spec"]["type"],
        "mode": pooler["spec"]["pgbouncer"]["poolMode"],
    }


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("name", ROLES)
def test_transactions_go_through_the_pooler_and_sessions_to_the_primary(
    overlay: str, name: str
) -> None:
    variables = _deployment_env(overlay, name)
    pooler = _pooler(overlay)
    assert (pooler["type"], pooler["mode"]) == ("rw", "transaction")
    assert _service(overlay, variables["DATABASE_URL"]) == pooler["name"]
    # Never the transaction pool: advisory locks and DDL need their session.
    assert _service(overlay, variables["DATABASE_SESSION_URL"]) == "till-db-rw"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_migration_job_migrates_on_the_primary_itself(overlay: str) -> None:
    # `till migrate` connects to DATABASE_SESSION_URL (cli._session_url).
    variables = container_env(rendered(overlay), find(overlay, "Job", "till-migrate"))
    assert _service(overlay, variables["DATABASE_SESSION_URL"]) == "till-db-rw"
    assert "DATABASE_URL" not in variables, "the Job would not use it"


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_api_reads_lagging_data_from_the_replicas_where_there_are_some(
    overlay: str,
) -> None:
    variables = _deployment_env(overlay, "till-api")
    instances = find(overlay, "Cluster", "till-db")["spec"]["instances"]
    if instances > 1:
        assert _service(overlay, variables["DATABASE_REPLICA_URL"]) == "till-db-ro"
        assert int(variables["TILL_DB_REPLICA_POOL_SIZE"]) >= 1
    else:
        # One instance: till-db-ro has no endpoints; empty means no replica.
        assert variables["DATABASE_REPLICA_URL"] == ""
    for name in ("till-worker", "till-scheduler"):
        assert not _deployment_env(overlay, name).get("DATABASE_REPLICA_URL")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_prepared_statements_are_kept_only_where_the_pooler_tracks_them(
    overlay: str,
) -> None:
    (pooler,) = of_kind(overlay, "Pooler")
    tracked = int(pooler["spec"]["pgbouncer"]["parameters"]["max_prepared_statements"])
    for name in ROLES:
        pgbouncer_mode = _deployment_env(overlay, name)["TILL_DB_PGBOUNCER"]
        assert pgbouncer_mode == ("false" if tracked > 0 else "true"), name


def _egress_allows(overlay: str, workload: str, kind: str, target: dict) -> bool:
    """Some policy selecting the workload's pods lets them reach a pod
    labelled `target` (in their own namespace) on PostgreSQL's port."""
    labels = find(overlay, kind, workload)["spec"]["template"]["metadata"]["labels"]
    for policy in of_kind(overlay, "NetworkPolicy"):
        spec = policy["spec"]
        if "Egress" not in spec["policyTypes"] or not matches(
            spec["podSelector"], labels
        ):
            continue
        for rule in spec.get("egress", []):
            ports = [p["port"] for p in rule.get("ports", [{"port": PORT}])]
            peers = rule.get("to", [{"podSelector": {}}])
            if PORT in ports and any(
                "namespaceSelector" not in peer
                and "podSelector" in peer
                and matches(peer["podSelector"], target)
                for peer in peers
            ):
                return True
    return False


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_network_policies_let_every_pod_reach_what_its_urls_name(
    overlay: str,
) -> None:
    selectors = service_selectors(rendered(overlay))
    checked = 0
    for kind, name in [("Deployment", n) for n in ROLES] + [("Job", "till-migrate")]:
        variables = container_env(rendered(overlay), find(overlay, kind, name))
        for variable in DATABASE_URLS:
            if not variables.get(variable):
                continue
            service = _service(overlay, variables[variable])
            selector = {"matchLabels": selectors[service]}
            behind = [p for p in pods(rendered(overlay)) if matches(selector, p)]
            assert behind, f"{name} {variable}: {service} selects no pod"
            for target in behind:
                assert _egress_allows(overlay, name, kind, target), (name, target)
                checked += 1
    assert checked >= 7  # dev: 3 roles × (pooler + primary) + the Job
