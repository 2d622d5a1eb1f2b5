"""What CloudNativePG creates for the Cluster and the Pooler of a render, as
its source code gives them: the labels of the pods it runs, the selectors of
the services in front of them (pkg/specs/services.go,
pkg/specs/pgbouncer/services.go) and the keys of a Cluster's application
secret (pkg/specs/secrets.go). The tests hold the manifests' URLs and network
policies to this model; no operator runs where they run."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from tests.unit.deploy.kustomize_render import Resource

# The port of every service CloudNativePG creates, PgBouncer's included.
PORT = 5432
# The application secret's password here: a stand-in, never a real value.
PASSWORD = "generated"  # pragma: allowlist secret


def _of_kind(resources: Iterable[Resource], kind: str) -> list[Resource]:
    return [r for r in resources if r["kind"] == kind]


def pods(resources: Iterable[Resource]) -> list[dict[str, str]]:
    """The labels of every PostgreSQL and PgBouncer pod. A primary and its
    replicas carry the role under the current label (cnpg.io/instanceRole)
    and the deprecated one (role). Pooler pods are given only the labels
    every CloudNativePG version sets (newer ones add cnpg.io/cluster), so a
    policy must select them by cnpg.io/poolerName."""
    labels = []
    for cluster in _of_kind(resources, "Cluster"):
        name = cluster["metadata"]["name"]
        roles = ["primary"] + ["replica"] * (cluster["spec"]["instances"] - 1)
        labels += [
            {
                "cnpg.io/cluster": name,
                "cnpg.io/instanceRole": role,
                "role": role,
                "cnpg.io/podRole": "instance",
            }
            for role in roles
        ]
    for pooler in _of_kind(resources, "Pooler"):
        labels += [
            {"cnpg.io/poolerName": pooler["metadata"]["name"], "cnpg.io/podRole": role}
            for role in ["pooler"] * pooler["spec"]["instances"]
        ]
    return labels


def service_selectors(resources: Iterable[Resource]) -> dict[str, dict[str, str]]:
    """Service name → its pod selector, for every Cluster (-rw the primary,
    -ro the replicas, -r every instance) and Pooler (named as the Pooler)."""
    selectors = {}
    for cluster in _of_kind(resources, "Cluster"):
        name = cluster["metadata"]["name"]
        selectors[f"{name}-rw"] = {
            "cnpg.io/cluster": name,
            "cnpg.io/instanceRole": "primary",
        }
        selectors[f"{name}-ro"] = {
            "cnpg.io/cluster": name,
            "cnpg.io/instanceRole": "replica",
        }
        selectors[f"{name}-r"] = {
            "cnpg.io/cluster": name,
            "cnpg.io/podRole": "instance",
        }
    for pooler in _of_kind(resources, "Pooler"):
        selectors[pooler["metadata"]["name"]] = {
            "cnpg.io/poolerName": pooler["metadata"]["name"]
        }
    return selectors


def app_secrets(resources: Iterable[Resource]) -> dict[str, dict[str, str]]:
    """Secret name → keys, for each Cluster's application owner: `uri`
    names the -rw service with the namespace, `host` without it."""
    secrets = {}
    for cluster in _of_kind(resources, "Cluster"):
        name, namespace = cluster["metadata"]["name"], cluster["metadata"]["namespace"]
        initdb: dict[str, Any] = cluster["spec"]["bootstrap"]["initdb"]
        owner, database = initdb["owner"], initdb["database"]
        secrets[f"{name}-app"] = {
            "username": owner,
            "user": owner,
            "password": PASSWORD,
            "dbname": database,
            "host": f"{name}-rw",
            "port": str(PORT),
            "uri": f"postgresql://{owner}:{PASSWORD}@{name}-rw.{namespace}:{PORT}/{database}",
        }
    return secrets
