"""Validators for the operators' custom resources, from the schemas vendored
in crds/ (see crds/README.md for their sources and what was trimmed).

The vendored files are CRD openAPIV3Schema subsets with two markers:
`x-till-core: <definition>` stands for an embedded Kubernetes core type and
becomes a $ref into kubernetes-validate's definitions; `x-till-not-vendored`
marks a subtree not copied from upstream, and any value set there is
rejected. Every object that lists `properties` is closed
(additionalProperties: false) unless it says otherwise, as a structural CRD
is under kubectl's strict field validation: a misspelt field fails.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tests.unit.deploy.k8s_schemas import DEFINITIONS_URI, inline_definitions, registry

CRD_DIR = Path(__file__).parent / "crds"
SCHEMA_FILES = {
    ("postgresql.cnpg.io/v1", "Cluster"): "postgresql.cnpg.io_v1_cluster.yaml",
    ("postgresql.cnpg.io/v1", "Pooler"): "postgresql.cnpg.io_v1_pooler.yaml",
    (
        "postgresql.cnpg.io/v1",
        "ScheduledBackup",
    ): "postgresql.cnpg.io_v1_scheduledbackup.yaml",
    (
        "rabbitmq.com/v1beta1",
        "RabbitmqCluster",
    ): "rabbitmq.com_v1beta1_rabbitmqcluster.yaml",
    (
        "databases.spotahome.com/v1",
        "RedisFailover",
    ): "databases.spotahome.com_v1_redisfailover.yaml",
}
CUSTOM_KINDS = frozenset(kind for _, kind in SCHEMA_FILES)
NOT_VENDORED = "x-till-not-vendored"


def _not_vendored(
    validator: Any, value: Any, instance: Any, schema: Any
) -> Iterator[jsonschema.ValidationError]:
    yield jsonschema.ValidationError(
        "a value is set where the vendored CRD schema was trimmed: vendor this "
        "subtree from upstream (tests/unit/deploy/crds/README.md) before using it"
    )


CrdValidator = jsonschema.validators.extend(
    jsonschema.Draft202012Validator, {NOT_VENDORED: _not_vendored}
)


def to_json_schema(node: Any) -> Any:
    """A vendored (OpenAPI v3 subset) schema as JSON Schema, closed objects."""
    if isinstance(node, list):
        return [to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "x-till-core" in node:
        return {"$ref": f"{DEFINITIONS_URI}#/$defs/{node['x-till-core']}"}
    converted = {
        key: to_json_schema(value)
        for key, value in node.items()
        if not key.startswith("x-kubernetes-")
    }
    if "properties" in node:
        converted["properties"] = {
            name: to_json_schema(sub) for name, sub in node["properties"].items()
        }
        if "additionalProperties" not in node and not node.get(
            "x-kubernetes-preserve-unknown-fields"
        ):
            converted["additionalProperties"] = False
    return converted


@cache
def crd_validator(api_version: str, kind: str) -> jsonschema.protocols.Validator:
    text = (CRD_DIR / SCHEMA_FILES[(api_version, kind)]).read_text()
    vendored = yaml.safe_load(text)
    schema = inline_definitions(to_json_schema(vendored))
    return CrdValidator(schema, registry=registry())


def is_custom_resource(manifest: dict[str, Any]) -> bool:
    return (manifest["apiVersion"], manifest["kind"]) in SCHEMA_FILES


def crd_errors(manifest: dict[str, Any]) -> list[str]:
    validator = crd_validator(manifest["apiVersion"], manifest["kind"])
    return [
        f"{'.'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(manifest)
    ]
