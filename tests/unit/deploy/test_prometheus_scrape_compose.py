"""The compose stack's Prometheus scrapes every till process where it serves
/metrics — the API on its HTTP port, `till worker` and `till scheduler` on
TILL_METRICS_PORT (off unless set: platform/metrics_server.py) — and loads the
rule file from where compose mounts alerts.yml."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from tests.unit.deploy.compose_file import services
from tests.unit.deploy.rendered_overlays import DEPLOY
from till.platform.settings import InfraSettings

PROMETHEUS_CONFIG = DEPLOY / "observability" / "prometheus.yml"
PROCESSES_WITHOUT_HTTP = ("worker", "scheduler")


@cache
def _config() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(PROMETHEUS_CONFIG.read_text())
    return loaded


def _mounts(service: str) -> dict[str, str]:
    """Host path (relative to deploy/) → path in the container."""
    pairs = (v.split(":")[:2] for v in services()[service]["volumes"])
    return {source: target for source, target in pairs}


def _flag(arguments: list[str], name: str) -> str:
    if name in arguments:
        return arguments[arguments.index(name) + 1]
    (value,) = [a.split("=", 1)[1] for a in arguments if a.startswith(f"{name}=")]
    return value


def _metrics_ports() -> dict[str, str]:
    """Where each till process serves /metrics, read from the compose file."""
    ports = {"api": _flag(services()["api"]["command"], "--port")}
    for name in PROCESSES_WITHOUT_HTTP:
        ports[name] = services()[name]["environment"]["TILL_METRICS_PORT"]
    return ports


def _scraped() -> dict[str, tuple[str, str]]:
    """target → (job, metrics path) for every static target."""
    return {
        target: (job["job_name"], job.get("metrics_path", "/metrics"))
        for job in _config()["scrape_configs"]
        for group in job["static_configs"]
        for target in group["targets"]
    }


def test_the_metrics_server_is_off_and_on_loopback_unless_configured() -> None:
    # Why the deployment must set both variables.
    fields = InfraSettings.model_fields
    assert fields["till_metrics_port"].default is None
    assert fields["till_metrics_host"].default == "127.0.0.1"


def test_worker_and_scheduler_serve_metrics_to_the_compose_network_only() -> None:
    for name in PROCESSES_WITHOUT_HTTP:
        service = services()[name]
        variables = service["environment"]
        assert 0 < int(variables["TILL_METRICS_PORT"]) < 65536, name
        assert variables["TILL_METRICS_HOST"] == "0.0.0.0", name  # noqa: S104 (inside its container)
        assert "ports" not in service, f"{name} publishes a port on the host"


def test_prometheus_scrapes_each_till_process_on_its_metrics_port() -> None:
    till_targets = {
        target: where
        for target, where in _scraped().items()
        if target.split(":")[0] in services()
    }
    expected = {f"{name}:{port}" for name, port in _metrics_ports().items()}
    assert set(till_targets) == expected
    assert {path for _, path in till_targets.values()} == {"/metrics"}
    jobs = [job for job, _ in till_targets.values()]
    assert len(jobs) == len(set(jobs)), "one job per process, so `job` tells them apart"


def test_every_other_target_is_prometheus_itself() -> None:
    others = {t for t in _scraped() if t.split(":")[0] not in services()}
    assert others == {"localhost:9090"}


def test_prometheus_reads_the_mounted_config_and_loads_the_mounted_alerts() -> None:
    prometheus = services()["prometheus"]
    mounts = _mounts("prometheus")
    config_flag = _flag(prometheus["command"], "--config.file")
    assert mounts["./observability/prometheus.yml"] == config_flag
    assert _config()["rule_files"] == [mounts["./observability/alerts.yml"]]
