"""The environment a till container starts with, built as the kubelet builds
it: the ConfigMaps of `envFrom` first, then `env` in order, overriding them,
where `$(NAME)` in a value becomes a variable defined before it and `$$`
becomes `$`. A value from a Secret is what the operator model gives
(cloudnativepg.py) or, for any other secret, a placeholder that names it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from tests.unit.deploy.cloudnativepg import app_secrets
from tests.unit.deploy.kustomize_render import Resource

_REFERENCE = re.compile(r"\$(\$|\(([A-Za-z_][A-Za-z0-9_]*)\))")


def only_container(workload: Resource) -> dict[str, Any]:
    (spec,) = workload["spec"]["template"]["spec"]["containers"]
    result: dict[str, Any] = spec
    return result


def secret_placeholder(secret: str, key: str) -> str:
    return f"<{secret}.{key}>"


def _expand(value: str, defined: dict[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(1) == "$":
            return "$"
        return defined.get(match.group(2), match.group(0))

    return _REFERENCE.sub(replace, value)


def container_env(resources: Sequence[Resource], workload: Resource) -> dict[str, str]:
    """Variable → value for the workload's only container. Raises on a kind
    of source this model does not know rather than leave a variable out."""
    spec = only_container(workload)
    config_maps = {
        r["metadata"]["name"]: r.get("data", {})
        for r in resources
        if r["kind"] == "ConfigMap"
    }
    secrets = app_secrets(resources)
    values: dict[str, str] = {}
    for source in spec.get("envFrom", []):
        if set(source) != {"configMapRef"}:
            raise AssertionError(f"envFrom {source} is not modelled")
        values.update(config_maps[source["configMapRef"]["name"]])
    for entry in spec.get("env", []):
        if "value" in entry:
            values[entry["name"]] = _expand(entry["value"], values)
        elif set(entry.get("valueFrom", {})) == {"secretKeyRef"}:
            ref = entry["valueFrom"]["secretKeyRef"]
            modelled = secrets.get(ref["name"], {})
            values[entry["name"]] = modelled.get(
                ref["key"], secret_placeholder(ref["name"], ref["key"])
            )
        else:
            raise AssertionError(f"env {entry} is not modelled")
    return values


def service_and_port(url: str, namespace: str) -> tuple[str, int | None]:
    """The Service a URL's host names (`name` or `name.namespace` of the
    workload's own namespace) and its port."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    name, _, rest = host.partition(".")
    if rest not in ("", namespace, f"{namespace}.svc"):
        raise AssertionError(f"{url}: a host outside {namespace} is not modelled")
    return name, parts.port
