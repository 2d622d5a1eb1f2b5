"""The Kubernetes JSON schemas bundled with kubernetes-validate, loaded once.

kubernetes_validate.validate() reads and parses the 1.4 MB definitions file on
every call; the tests validate dozens of manifests, so this module builds one
validator per kind from the same files (the "strict" variant, which rejects
unknown fields) and keeps it. The file layout is kubernetes-validate's own
(kubernetes_validate/utils.py: `<kind>-<group>-<version>.json` beside
`_definitions.json`).
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import referencing
from kubernetes_validate.utils import all_versions

KUBERNETES_VERSION = "1.33.0"
DEFINITIONS_URI = "https://kubernetes.io/api/_definitions.json"
SCHEMA_DIR = (
    Path(kubernetes_validate.__file__).parent
    / "kubernetes-json-schema"
    / f"v{KUBERNETES_VERSION}-local-strict"
)


class NoKubernetesSchema(LookupError):
    """The kind is not a built-in Kubernetes kind (a custom resource)."""


def schema_version_available() -> bool:
    return KUBERNETES_VERSION in all_versions() and SCHEMA_DIR.is_dir()


@cache
def definitions() -> dict[str, Any]:
    document: dict[str, Any] = json.loads(
        (SCHEMA_DIR / "_definitions.json").read_text()
    )
    return document


@cache
def registry() -> referencing.Registry:  # type: ignore[type-arg]
    resource = referencing.Resource.from_contents(definitions())
    return referencing.Registry().with_resource(DEFINITIONS_URI, resource)


def _schema_file(api_version: str, kind: str) -> Path:
    # As kubernetes-validate: "apps/v1" -> "apps-v1", "networking.k8s.io/v1"
    # -> "networking-v1", "v1" -> "v1".
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    return SCHEMA_DIR / f"{kind.lower()}-{group_version}.json"


_inlined: dict[str, Any] = {}


def inline_definitions(node: Any, stack: tuple[str, ...] = ()) -> Any:
    """The schema with references to the definitions replaced by their
    content (memoised, shared), so validation does not resolve a $ref per
    field: that resolution was most of the time of a validation. A recursive
    definition keeps an absolute $ref, resolved through registry()."""
    if isinstance(node, list):
        return [inline_definitions(item, stack) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and "#/$defs/" in ref:
        name = ref.split("#/$defs/", 1)[1]
        if name in stack:
            return {"$ref": f"{DEFINITIONS_URI}#/$defs/{name}"}
        if name not in _inlined:
            definition = definitions()["$defs"][name]
            _inlined[name] = inline_definitions(definition, (*stack, name))
        return _inlined[name]
    return {key: inline_definitions(value, stack) for key, value in node.items()}


@cache
def validator_for(api_version: str, kind: str) -> jsonschema.protocols.Validator:
    path = _schema_file(api_version, kind)
    if not path.is_file():
        raise NoKubernetesSchema(f"{api_version} {kind}")
    schema = inline_definitions(json.loads(path.read_text()))
    return jsonschema.Draft202012Validator(schema, registry=registry())


def kubernetes_errors(manifest: dict[str, Any]) -> list[str]:
    """Every schema violation of a built-in kind's manifest, as text."""
    validator = validator_for(manifest["apiVersion"], manifest["kind"])
    return [
        f"{'.'.join(map(str, error.absolute_path)) or '<root>'}: {error.message}"
        for error in validator.iter_errors(manifest)
    ]
