"""The worker's and the scheduler's GET /metrics in Kubernetes: the Deployments
switch the metrics server on beyond loopback, name its port, probe it for
liveness and announce it for scraping; the network policies let Prometheus —
and only Prometheus — reach it and the API's /metrics."""

from __future__ import annotations

from typing import Any

import pytest

from tests.unit.deploy.label_selectors import matches
from tests.unit.deploy.rendered_overlays import (
    KUBERNETES,
    OVERLAYS,
    container,
    env,
    find,
    of_kind,
)

WITHOUT_HTTP = ("till-worker", "till-scheduler")
# Where the policies expect Prometheus (documented in the README).
PROMETHEUS_NAMESPACE = "observability"
PROMETHEUS_POD = {"app.kubernetes.io/name": "prometheus"}
# Where each role serves /metrics: the API on its HTTP port.
SCRAPED_PORT = {
    "till-api": "http",
    "till-worker": "metrics",
    "till-scheduler": "metrics",
}


def _ports(spec: dict[str, Any]) -> dict[str, int]:
    return {port["name"]: port["containerPort"] for port in spec.get("ports", [])}


def _pod_template(overlay: str, name: str) -> dict[str, Any]:
    template: dict[str, Any] = find(overlay, "Deployment", name)["spec"]["template"]
    return template


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("name", WITHOUT_HTTP)
def test_the_metrics_server_listens_on_the_port_named_metrics(
    overlay: str, name: str
) -> None:
    spec = container(overlay, name)
    variables = env(spec)
    assert variables["TILL_METRICS_HOST"]["value"] == "0.0.0.0"  # noqa: S104 (the pod's own address)
    assert _ports(spec)["metrics"] == int(variables["TILL_METRICS_PORT"]["value"])
    assert _ports(spec)["metrics"] == 9464


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("name", WITHOUT_HTTP)
def test_liveness_is_probed_on_the_metrics_port(overlay: str, name: str) -> None:
    probe = container(overlay, name)["livenessProbe"]
    (kind,) = {"tcpSocket", "httpGet"} & set(probe)
    assert probe[kind]["port"] in ("metrics", 9464)
    assert probe["failureThreshold"] * probe["periodSeconds"] >= 20


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("name", sorted(SCRAPED_PORT))
def test_every_process_announces_its_metrics_port_for_scraping(
    overlay: str, name: str
) -> None:
    annotations = _pod_template(overlay, name)["metadata"]["annotations"]
    port = _ports(container(overlay, name))[SCRAPED_PORT[name]]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/port"] == str(port)
    assert annotations["prometheus.io/path"] == "/metrics"


def _is_prometheus(peer: dict[str, Any]) -> bool:
    namespace = peer.get("namespaceSelector", {}).get("matchLabels", {})
    return namespace.get(
        "kubernetes.io/metadata.name"
    ) == PROMETHEUS_NAMESPACE and matches(peer.get("podSelector", {}), PROMETHEUS_POD)


def _opened(overlay: str, name: str) -> list[tuple[int, list[dict[str, Any]]]]:
    """(container port, peers allowed; [] = anyone) for every ingress rule of
    every policy selecting the pod, named ports resolved against this pod."""
    template = _pod_template(overlay, name)
    ports = _ports(template["spec"]["containers"][0])
    opened = []
    for policy in of_kind(overlay, "NetworkPolicy"):
        if not matches(policy["spec"]["podSelector"], template["metadata"]["labels"]):
            continue
        for rule in policy["spec"].get("ingress", []):
            for port in rule.get("ports", []):
                number = ports.get(port["port"], port["port"])
                if isinstance(number, int):  # an unknown name opens nothing here
                    opened.append((number, rule.get("from", [])))
    return opened


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("name", sorted(SCRAPED_PORT))
def test_prometheus_may_reach_every_metrics_port(overlay: str, name: str) -> None:
    port = _ports(container(overlay, name))[SCRAPED_PORT[name]]
    assert any(
        number == port and any(_is_prometheus(peer) for peer in peers)
        for number, peers in _opened(overlay, name)
    ), f"{name}: nothing lets Prometheus reach port {port}"


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("name", WITHOUT_HTTP)
def test_only_prometheus_may_reach_the_worker_and_scheduler(
    overlay: str, name: str
) -> None:
    opened = _opened(overlay, name)
    assert opened, f"{name}: no ingress at all"
    for _, peers in opened:
        assert peers and all(_is_prometheus(peer) for peer in peers), peers


def test_the_readme_names_where_prometheus_must_run() -> None:
    readme = (KUBERNETES / "README.md").read_text()
    assert f"`{PROMETHEUS_NAMESPACE}`" in readme
    assert "`app.kubernetes.io/name=prometheus`" in readme
