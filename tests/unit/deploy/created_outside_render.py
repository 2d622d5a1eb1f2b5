"""Names that exist in a cluster running the manifests without being rendered
by them: what the operators create for the rendered custom resources, and the
secrets the user creates (deploy/kubernetes/README.md lists them)."""

from __future__ import annotations

from collections.abc import Iterable

from tests.unit.deploy.kustomize_render import Resource

# Secrets the operators create for the resources in these manifests.
OPERATOR_SECRETS = {
    "till-db-app": "CloudNativePG: the application owner of Cluster till-db",
    "till-rabbitmq-default-user": "RabbitMQ cluster-operator: default user",
}
# Secrets the user creates (README); the dev overlay generates the first two.
USER_SECRETS = {"till-secrets", "till-redis-auth", "till-backup-s3"}
# What each operator names after its resource (their documentation):
# CloudNativePG's services and application secret, the RabbitMQ
# cluster-operator's services and default-user secret.
_DERIVED = {
    "Cluster": ("-rw", "-ro", "-r", "-app"),
    "RabbitmqCluster": ("-nodes", "-default-user"),
}


def operator_names(kind: str, name: str) -> set[str]:
    return {name + suffix for suffix in _DERIVED.get(kind, ())}


def names_in_a_cluster(resources: Iterable[Resource]) -> set[str]:
    """Every name a running installation has: rendered, derived by an
    operator from a rendered resource, or created by the user."""
    names = set(USER_SECRETS)
    for resource in resources:
        name = resource["metadata"]["name"]
        names |= {name} | operator_names(resource["kind"], name)
    return names
