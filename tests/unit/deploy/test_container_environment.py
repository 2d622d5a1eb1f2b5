"""What the till containers' environment holds: no secret in a ConfigMap, a
password in a URL only through `$(NAME)` of a Secret's key, and no `$(NAME)`
left unexpanded (the kubelet expands only variables defined before it)."""

from __future__ import annotations

import re

import pytest

from tests.unit.deploy.container_env import container_env
from tests.unit.deploy.rendered_overlays import (
    OVERLAYS,
    of_kind,
    pod_templates,
    rendered,
)

# Variables that carry a secret, or a URL with one in it.
SECRET_VARIABLES = {
    "DATABASE_URL",
    "DATABASE_SESSION_URL",
    "DATABASE_REPLICA_URL",
    "REDIS_URL",
    "RABBITMQ_URL",
    "TILL_DATA_KEYS",
    "STRIPE_API_KEY",
    "STRIPE_WEBHOOK_SECRET",
}
_USERINFO_PASSWORD = re.compile(r"://[^/@\s]*:([^/@\s]+)@")
_REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_config_maps_hold_no_secret_and_no_password_in_a_url(overlay: str) -> None:
    for config_map in of_kind(overlay, "ConfigMap"):
        data = config_map.get("data", {})
        assert not set(data) & SECRET_VARIABLES, config_map["metadata"]["name"]
        assert not any(_USERINFO_PASSWORD.search(v) for v in data.values())


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_password_in_a_url_comes_from_a_secret(overlay: str) -> None:
    checked = 0
    for _, template in pod_templates(overlay):
        for container in template["spec"]["containers"]:
            entries = {e["name"]: e for e in container.get("env", [])}
            for entry in entries.values():
                found = _USERINFO_PASSWORD.search(entry.get("value", ""))
                if found is None:
                    continue
                reference = _REFERENCE.fullmatch(found.group(1))
                assert reference, f"{entry['name']}: a password written out"
                source = entries[reference.group(1)]["valueFrom"]
                assert "secretKeyRef" in source, entry["name"]
                checked += 1
    assert checked >= 9  # pooler, RabbitMQ and Redis URLs of 3 roles


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_variable_reference_names_a_variable_defined_before_it(
    overlay: str,
) -> None:
    # The kubelet leaves `$(NAME)` as it is when NAME comes later in `env`,
    # which a kustomize patch can cause: it moves patched variables first.
    for workload, _ in pod_templates(overlay):
        variables = container_env(rendered(overlay), workload)
        dangling = {n: v for n, v in variables.items() if _REFERENCE.search(v)}
        assert dangling == {}, workload["metadata"]["name"]
