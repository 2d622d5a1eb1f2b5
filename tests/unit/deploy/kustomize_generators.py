"""Kustomize's configMapGenerator and secretGenerator (without name hash
suffixes), and the load restrictor, for kustomize_render.py."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

Resource = dict[str, Any]


class UnsupportedKustomization(Exception):
    """deploy/ uses a kustomize feature this renderer does not implement."""


def file_in(root: Path, entry: str) -> Path:
    path = (root / entry).resolve()
    if not path.is_relative_to(root):
        raise UnsupportedKustomization(f"{entry} is outside {root} (load restrictor)")
    if not path.is_file():
        raise UnsupportedKustomization(f"{entry}: no such file in {root}")
    return path


def generate(root: Path, kustomization: dict[str, Any]) -> list[Resource]:
    options = kustomization.get("generatorOptions", {})
    if set(options) - {"disableNameSuffixHash"}:
        raise UnsupportedKustomization(f"generatorOptions {sorted(options)}")
    generated = []
    for kind, key in (
        ("ConfigMap", "configMapGenerator"),
        ("Secret", "secretGenerator"),
    ):
        for generator in kustomization.get(key, []):
            generated.append(_generated(root, kind, generator, options))
    return generated


def _generated(
    root: Path, kind: str, generator: dict[str, Any], options: dict[str, Any]
) -> Resource:
    allowed = {"name", "files", "literals", "envs", "options", "type"}
    if set(generator) - allowed or generator.get("type", "Opaque") != "Opaque":
        raise UnsupportedKustomization(f"generator {generator}")
    own = generator.get("options", {})
    if set(own) - {"labels"}:
        raise UnsupportedKustomization(f"generator options {sorted(own)}")
    if not options.get("disableNameSuffixHash"):
        raise UnsupportedKustomization("name hash suffixes are not implemented")
    data: dict[str, str] = {}
    for entry in generator.get("files", []):
        key, _, path = entry.rpartition("=")
        data[key or Path(path).name] = file_in(root, path).read_text()
    for literal in generator.get("literals", []):
        key, _, value = literal.partition("=")
        data[key] = value
    for env_file in generator.get("envs", []):
        data.update(_env_pairs(file_in(root, env_file).read_text()))
    metadata: dict[str, Any] = {"name": generator["name"]}
    if own.get("labels"):
        metadata["labels"] = dict(own["labels"])
    if kind == "ConfigMap":
        return {"apiVersion": "v1", "kind": kind, "metadata": metadata, "data": data}
    encoded = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    return {
        "apiVersion": "v1",
        "kind": kind,
        "metadata": metadata,
        "type": "Opaque",
        "data": encoded,
    }


def _env_pairs(text: str) -> dict[str, str]:
    pairs = {}
    for line in text.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, sep, value = line.partition("=")
            if not sep:
                raise UnsupportedKustomization(f"env line without '=': {line!r}")
            pairs[key.strip()] = value
    return pairs
