"""What the manifests refer to exists: Secrets and ConfigMaps are rendered or
documented as created by an operator or by the user; Services, disruption
budgets and network policies select pods that exist (in the render, or pods
an operator creates, with the labels its source code gives them)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import yaml

from tests.unit.deploy.cloudnativepg import pods as cloudnativepg_pods
from tests.unit.deploy.created_outside_render import OPERATOR_SECRETS, USER_SECRETS
from tests.unit.deploy.label_selectors import matches
from tests.unit.deploy.rendered_overlays import (
    KUBERNETES,
    OVERLAYS,
    find,
    of_kind,
    pod_templates,
    rendered,
)

# Labels the operators put on the pods they run (their source: the RabbitMQ
# cluster-operator app.kubernetes.io/name=<cluster>; spotahome
# generateSelectorLabels(); CloudNativePG's in cloudnativepg.py).
OPERATOR_PODS = [
    {
        "app.kubernetes.io/name": "till-rabbitmq",
        "app.kubernetes.io/component": "rabbitmq",
    },
    {
        "app.kubernetes.io/name": "till-redis",
        "app.kubernetes.io/component": "redis",
        "app.kubernetes.io/part-of": "redis-failover",
    },
]
# Pods in other namespaces, selected together with a namespaceSelector.
OTHER_NAMESPACES = {"kube-system", "observability"}
README = (
    (KUBERNETES / "README.md").read_text()
    if (KUBERNETES / "README.md").exists()
    else ""
)


def _walk(node: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(node, dict):
        for key, value in node.items():
            yield key, value
            yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _referenced(overlay: str, kind: str) -> set[str]:
    ref_key, key_ref, volume = (
        ("secretRef", "secretKeyRef", "secret")
        if kind == "Secret"
        else ("configMapRef", "configMapKeyRef", "configMap")
    )
    names = set()
    for _, template in pod_templates(overlay):
        for key, value in _walk(template):
            if key in (ref_key, key_ref) or (key == volume and "name" in value):
                names.add(value["name"])
            if key == volume and "secretName" in value:
                names.add(value["secretName"])
    if kind == "Secret":
        for key, value in _walk([r["spec"] for r in rendered(overlay) if "spec" in r]):
            if key in ("accessKeyId", "secretAccessKey") and isinstance(value, dict):
                names.add(value["name"])
            if key == "auth" and isinstance(value, dict) and "secretPath" in value:
                names.add(value["secretPath"])
    return names


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_referenced_config_map_is_rendered(overlay: str) -> None:
    rendered_names = {c["metadata"]["name"] for c in of_kind(overlay, "ConfigMap")}
    assert _referenced(overlay, "ConfigMap") <= rendered_names


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_referenced_secret_is_rendered_or_created_by_an_operator_or_user(
    overlay: str,
) -> None:
    rendered_names = {s["metadata"]["name"] for s in of_kind(overlay, "Secret")}
    missing = _referenced(overlay, "Secret") - rendered_names
    assert missing <= set(OPERATOR_SECRETS) | USER_SECRETS
    assert "till-db-app" in missing  # the check sees the operator's secret


@pytest.mark.parametrize("name", sorted(set(OPERATOR_SECRETS) | USER_SECRETS))
def test_every_secret_created_outside_the_render_is_documented(name: str) -> None:
    assert f"`{name}`" in README


def test_the_example_secrets_are_not_part_of_any_kustomization() -> None:
    example = KUBERNETES / "overlays/prod/till-secrets.example.yaml"
    for path in KUBERNETES.rglob("kustomization.yaml"):
        kustomization = yaml.safe_load(path.read_text())
        listed = [*kustomization.get("resources", [])]
        listed += [patch["path"] for patch in kustomization.get("patches", [])]
        assert not any(entry.endswith(example.name) for entry in listed), path
    for secret in yaml.safe_load_all(example.read_text()):
        assert set(secret["stringData"].values()) == {"REPLACE_ME"}


def _pod_labels(overlay: str) -> list[dict[str, str]]:
    return [template["metadata"]["labels"] for _, template in pod_templates(overlay)]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_network_policy_selects_some_till_pod(overlay: str) -> None:
    for policy in of_kind(overlay, "NetworkPolicy"):
        selector = policy["spec"]["podSelector"]
        assert selector, "an empty podSelector would also select the operators' pods"
        assert any(matches(selector, labels) for labels in _pod_labels(overlay)), policy


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_network_policy_peer_selects_pods_that_exist(overlay: str) -> None:
    pods = _pod_labels(overlay) + OPERATOR_PODS + cloudnativepg_pods(rendered(overlay))
    for policy in of_kind(overlay, "NetworkPolicy"):
        for rule in policy["spec"].get("egress", []) + policy["spec"].get(
            "ingress", []
        ):
            for peer in rule.get("to", []) + rule.get("from", []):
                if "namespaceSelector" in peer:
                    labels = peer["namespaceSelector"]["matchLabels"]
                    assert labels["kubernetes.io/metadata.name"] in OTHER_NAMESPACES
                elif "podSelector" in peer:
                    assert any(matches(peer["podSelector"], p) for p in pods), peer
                else:
                    assert "ipBlock" in peer


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_till_pods_are_denied_by_default_both_ways(overlay: str) -> None:
    deny = find(overlay, "NetworkPolicy", "till-default-deny")["spec"]
    assert deny["policyTypes"] == ["Ingress", "Egress"]
    assert "ingress" not in deny and "egress" not in deny
    assert all(matches(deny["podSelector"], labels) for labels in _pod_labels(overlay))


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_https_egress_excludes_private_and_link_local_addresses(overlay: str) -> None:
    egress = find(overlay, "NetworkPolicy", "till-egress-https")["spec"]["egress"]
    blocks = {
        peer["ipBlock"]["cidr"]: peer["ipBlock"]["except"] for peer in egress[0]["to"]
    }
    assert {"10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"} <= set(
        blocks["0.0.0.0/0"]
    )
    assert [port["port"] for port in egress[0]["ports"]] == [443]


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_services_and_disruption_budgets_select_their_pods(overlay: str) -> None:
    service = find(overlay, "Service", "till-api")["spec"]
    api = find(overlay, "Deployment", "till-api")["spec"]["template"]
    assert matches({"matchLabels": service["selector"]}, api["metadata"]["labels"])
    port_names = {p["name"] for p in api["spec"]["containers"][0]["ports"]}
    assert {p["targetPort"] for p in service["ports"]} <= port_names
    for budget in of_kind(overlay, "PodDisruptionBudget"):
        target = find(overlay, "Deployment", budget["metadata"]["name"])["spec"][
            "template"
        ]
        assert matches(budget["spec"]["selector"], target["metadata"]["labels"])
        assert budget["spec"]["maxUnavailable"] == 1
