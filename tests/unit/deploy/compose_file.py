"""deploy/docker-compose.yml, parsed once per run. Tests must not modify what
they get."""

from __future__ import annotations

from functools import cache
from typing import Any

import yaml

from tests.unit.deploy.rendered_overlays import DEPLOY

COMPOSE_FILE = DEPLOY / "docker-compose.yml"


@cache
def compose() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text())
    return document


def services() -> dict[str, Any]:
    result: dict[str, Any] = compose()["services"]
    return result
