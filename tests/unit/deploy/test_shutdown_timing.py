"""Graceful shutdown fits in the time the platform gives it
(docs/operations/graceful-shutdown.md). For every Deployment of both overlays
and every till service in compose: the settings till starts with pass its own
checks (the drain is shorter than the grace period), and the platform waits
longer than the grace period, plus any preStop hook and a margin, before it
kills the process. The API covers the moment load balancers still send to a
stopping pod, by its drain or a preStop pause."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.unit.deploy.compose_file import services
from tests.unit.deploy.container_env import container_env, only_container
from tests.unit.deploy.pod_settings import settings_of
from tests.unit.deploy.rendered_overlays import OVERLAYS, find, of_kind, rendered

# After the grace deadline a process still closes its pools and exits; the
# platform's kill must not cut that short.
MARGIN_SECONDS = 5
# How long endpoints, kube-proxy and load balancers take to stop sending to
# a stopping pod (the drain's purpose): about 5 s in Kubernetes.
PROPAGATION_SECONDS = 5
KUBERNETES_DEFAULT_GRACE = 30  # terminationGracePeriodSeconds when unset
COMPOSE_DEFAULT_GRACE = 10  # stop_grace_period when unset
_DURATION = re.compile(r"(\d+(?:\.\d+)?)(h|ms|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


@pytest.fixture(scope="module", autouse=True)
def _rendered() -> None:
    for overlay in OVERLAYS:
        rendered(overlay)


def _pre_stop_seconds(container: dict[str, Any]) -> float:
    hook = container.get("lifecycle", {}).get("preStop")
    if hook is None:
        return 0.0
    if "sleep" in hook:
        return float(hook["sleep"]["seconds"])
    command = hook.get("exec", {}).get("command", [])
    if command[:1] == ["sleep"] and len(command) == 2:
        return float(command[1])
    raise AssertionError(f"preStop {hook} is not modelled")


def _deployments() -> list[tuple[str, str]]:
    return [
        (overlay, d["metadata"]["name"])
        for overlay in OVERLAYS
        for d in of_kind(overlay, "Deployment")
    ]


@pytest.mark.parametrize(("overlay", "name"), _deployments())
def test_the_shutdown_ends_before_kubernetes_kills_the_pod(
    overlay: str, name: str
) -> None:
    deployment = find(overlay, "Deployment", name)
    settings = settings_of(container_env(rendered(overlay), deployment))
    drain, grace = (
        settings.till_shutdown_drain_seconds,
        settings.till_shutdown_grace_seconds,
    )
    kill_after = deployment["spec"]["template"]["spec"].get(
        "terminationGracePeriodSeconds", KUBERNETES_DEFAULT_GRACE
    )
    pre_stop = _pre_stop_seconds(only_container(deployment))
    assert drain < grace  # also checked by settings_of: till refuses otherwise
    assert pre_stop + grace + MARGIN_SECONDS <= kill_after, (pre_stop, grace)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_api_keeps_serving_until_load_balancers_stop_sending(
    overlay: str,
) -> None:
    api = find(overlay, "Deployment", "till-api")
    settings = settings_of(container_env(rendered(overlay), api))
    covered = settings.till_shutdown_drain_seconds + _pre_stop_seconds(
        only_container(api)
    )
    assert covered >= PROPAGATION_SECONDS


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_every_till_pod_starts_with_settings_till_accepts(overlay: str) -> None:
    workloads = [*of_kind(overlay, "Deployment"), *of_kind(overlay, "Job")]
    for workload in workloads:
        settings_of(container_env(rendered(overlay), workload))
    assert len(workloads) == 4


def _seconds(duration: str) -> float:
    parts = _DURATION.findall(duration)
    assert "".join(n + u for n, u in parts) == duration, duration
    return sum(float(n) * _UNIT_SECONDS[u] for n, u in parts)


@pytest.mark.parametrize("name", ["api", "worker", "scheduler"])
def test_compose_stops_a_till_container_only_after_its_grace_period(
    name: str,
) -> None:
    service = services()[name]
    settings = settings_of(service["environment"])
    stop_after = _seconds(service.get("stop_grace_period", f"{COMPOSE_DEFAULT_GRACE}s"))
    assert settings.till_shutdown_drain_seconds < settings.till_shutdown_grace_seconds
    assert settings.till_shutdown_grace_seconds + MARGIN_SECONDS <= stop_after
