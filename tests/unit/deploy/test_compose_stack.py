"""deploy/docker-compose.yml, checked without Docker (no engine runs where the
tests run): against the Compose specification's JSON schema (vendored from
PyPI's docker-compose 1.29.2, schemas/README.md) and for the properties the
stack relies on."""

from __future__ import annotations

import copy
import json
import re
from functools import cache
from pathlib import Path

import jsonschema
import pytest
import yaml

from tests.unit.deploy.compose_file import COMPOSE_FILE, compose, services
from tests.unit.deploy.kustomize_render import split_image
from tests.unit.deploy.pod_settings import settings_of
from tests.unit.deploy.rendered_overlays import DEPLOY

SCHEMA = Path(__file__).parent / "schemas" / "compose_spec.json"
TILL_PROCESSES = {"api", "worker", "scheduler", "migrate"}
# Services with no healthcheck of their own, and why (asserted below).
NO_HEALTHCHECK = {"otel-collector": "distroless image: no shell or HTTP client"}
INTERPOLATION = re.compile(r"\$\{([A-Z0-9_]+)(:?[?-][^}]*)?\}")


@cache
def _validator() -> jsonschema.Draft201909Validator:
    return jsonschema.Draft201909Validator(json.loads(SCHEMA.read_text()))


@pytest.fixture(scope="module", autouse=True)
def _parsed() -> None:
    # Parse the file and the schema once, outside any test's timing.
    compose()
    _validator()


def test_compose_file_follows_the_compose_specification() -> None:
    errors = [e.message for e in _validator().iter_errors(compose())]
    assert errors == []


def test_a_misspelt_service_key_breaks_the_specification() -> None:
    broken = copy.deepcopy(compose())
    broken["services"]["api"]["helthcheck"] = broken["services"]["api"].pop(
        "healthcheck"
    )
    assert list(_validator().iter_errors(broken))


def test_the_stack_has_every_service_of_the_issue() -> None:
    assert set(services()) == TILL_PROCESSES | {
        "postgres",
        "redis",
        "rabbitmq",
        "prometheus",
        "grafana",
        "otel-collector",
    }


def test_every_dependency_names_a_service() -> None:
    for name, service in services().items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services(), f"{name} depends on {dependency}"


def test_till_processes_start_after_the_migration_completed() -> None:
    for name in TILL_PROCESSES - {"migrate"}:
        condition = services()[name]["depends_on"]["migrate"]["condition"]
        assert condition == "service_completed_successfully", name
    assert services()["migrate"]["command"] == ["migrate"]
    assert services()["migrate"]["restart"] == "no"
    # So the API need not migrate on start (Alembic takes no lock).
    assert services()["api"]["environment"]["TILL_MIGRATE_ON_START"] == "false"


def test_till_processes_reach_postgresql_itself_without_a_session_url() -> None:
    # No PgBouncer in compose: what needs a session uses DATABASE_URL.
    for name in TILL_PROCESSES:
        variables = services()[name]["environment"]
        settings = settings_of(variables)
        assert "DATABASE_SESSION_URL" not in variables, name
        assert settings.session_url == variables["DATABASE_URL"]
        assert settings.till_db_pgbouncer is False
        assert settings.database_replica_url is None


def test_every_mounted_local_path_exists() -> None:
    mounted = 0
    for service in services().values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (DEPLOY / source).exists(), source
                mounted += 1
    assert mounted >= 5


def test_every_named_volume_is_declared() -> None:
    for service in services().values():
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if not source.startswith((".", "/")):
                assert source in compose()["volumes"], source


def test_every_image_is_pinned_to_a_tag() -> None:
    for name, service in services().items():
        _, tag, digest = split_image(service["image"])
        assert (tag or digest) and tag != "latest", name


def test_the_till_processes_are_built_from_the_dockerfile_and_reach_every_service() -> (
    None
):
    for name in TILL_PROCESSES:
        service = services()[name]
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"
        assert (DEPLOY / service["build"]["context"] / "deploy/Dockerfile").is_file()
        variables = service["environment"]
        for variable in ("DATABASE_URL", "REDIS_URL", "RABBITMQ_URL", "TILL_DATA_KEYS"):
            assert variable in variables, f"{name} lacks {variable}"
        assert "@postgres:5432/" in variables["DATABASE_URL"]


def test_the_api_leaves_worker_and_scheduler_to_their_containers() -> None:
    variables = services()["api"]["environment"]
    assert variables["TILL_WORKER_IN_PROCESS"] == "false"
    assert variables["TILL_SCHEDULER_IN_PROCESS"] == "false"
    assert services()["worker"]["command"] == ["worker"]
    assert services()["scheduler"]["command"] == ["scheduler"]


def test_traces_go_to_the_collectors_otlp_http_receiver() -> None:
    collector = yaml.safe_load(
        (DEPLOY / "observability/otel-collector.yaml").read_text()
    )
    http = collector["receivers"]["otlp"]["protocols"]["http"]["endpoint"]
    for name in TILL_PROCESSES:
        endpoint = services()[name]["environment"]["OTEL_EXPORTER_OTLP_ENDPOINT"]
        assert endpoint == f"http://otel-collector:{http.rsplit(':', 1)[1]}"


def test_every_service_has_a_healthcheck_or_a_stated_reason() -> None:
    for name, service in services().items():
        if name in NO_HEALTHCHECK:
            assert "healthcheck" not in service
        else:
            assert "healthcheck" in service, name


def test_till_processes_without_http_switch_off_the_images_healthcheck() -> None:
    # deploy/Dockerfile's HEALTHCHECK polls :8000/healthz, which only the API
    # serves; inherited by the others it would mark them unhealthy forever.
    assert "HEALTHCHECK" in (DEPLOY / "Dockerfile").read_text()
    for name in ("worker", "scheduler", "migrate"):
        assert services()[name]["healthcheck"] == {"disable": True}
    assert "/readyz" in " ".join(services()["api"]["healthcheck"]["test"])


def test_till_processes_run_read_only_without_capabilities() -> None:
    for name in TILL_PROCESSES:
        service = services()[name]
        assert service["read_only"] is True and service["tmpfs"] == ["/tmp"]  # noqa: S108 (a mount point, not a file)
        assert service["cap_drop"] == ["ALL"]


def test_published_ports_bind_to_loopback_only() -> None:
    for service in services().values():
        for port in service.get("ports", []):
            assert port.startswith("127.0.0.1:"), port


def _interpolated() -> set[str]:
    return {match[0] for match in INTERPOLATION.findall(COMPOSE_FILE.read_text())}


def test_secrets_come_from_the_env_file_and_the_example_holds_none() -> None:
    example = (DEPLOY / ".env.example").read_text()
    pairs = dict(
        line.split("=", 1)
        for line in example.splitlines()
        if line and not line.startswith("#")
    )
    assert _interpolated() == set(pairs)
    assert set(pairs.values()) == {""}
    # `:?` makes compose refuse to start while the value is unset or empty.
    for match in INTERPOLATION.finditer(COMPOSE_FILE.read_text()):
        assert (match.group(2) or "").startswith(":?"), match.group(0)


def test_grafana_mounts_provisioning_and_dashboards() -> None:
    volumes = services()["grafana"]["volumes"]
    assert any(v.startswith("./observability/grafana/provisioning:") for v in volumes)
    assert any(v.startswith("./observability/grafana/dashboards:") for v in volumes)


@pytest.mark.parametrize("section", ["receivers", "processors", "exporters"])
def test_collector_pipelines_use_only_defined_components(section: str) -> None:
    collector = yaml.safe_load(
        (DEPLOY / "observability/otel-collector.yaml").read_text()
    )
    used = {
        c
        for p in collector["service"]["pipelines"].values()
        for c in p.get(section, [])
    }
    assert used and used <= set(collector[section])


def test_collector_receivers_listen_on_all_interfaces() -> None:
    collector = yaml.safe_load(
        (DEPLOY / "observability/otel-collector.yaml").read_text()
    )
    for protocol in collector["receivers"]["otlp"]["protocols"].values():
        assert protocol["endpoint"].startswith("0.0.0.0:")
