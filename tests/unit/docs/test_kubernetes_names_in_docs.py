"""The Kubernetes names that the runbooks, ADR 0022 and the compliance pages
give in backticks (`till-…`) exist where the prod overlay is applied: rendered,
created by an operator for a rendered resource, or created by the user — or
are one of the few names a runbook brings in itself (listed below). And the
disaster-recovery switch-over names every resource that refers to the
database cluster, so none is left pointing at the damaged one."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.unit.deploy.created_outside_render import (
    names_in_a_cluster,
    operator_names,
)
from tests.unit.deploy.rendered_overlays import rendered
from tests.unit.docs.doc_blocks import DOCS

PAGES = sorted(
    [
        *(DOCS / "runbooks").glob("*.md"),
        DOCS / "adr" / "0022-deployment-topology.md",
        *(DOCS / "compliance").glob("*.md"),
    ]
)
# Names a runbook introduces, not the manifests (with what CloudNativePG
# derives from a Cluster's name).
INTRODUCED = {
    "till-db-restore": "disaster-recovery.md: the Cluster a recovery creates",
    "till-db-backup": "disaster-recovery.md: the recovery's externalClusters source",
}
_BACKTICKED = re.compile(r"`(till-[a-z0-9-]+)`")
# The database cluster's own names (Cluster, services, secret), not the
# pooler's or the backup's, which follow it.
_CLUSTER_NAME = re.compile(r"(?<![\w-])till-db(?:-(?:app|rw|ro|r))?(?![\w-])")


@pytest.fixture(scope="module")
def known() -> set[str]:
    names = names_in_a_cluster(rendered("prod"))
    for name in INTRODUCED:
        names |= {name} | operator_names("Cluster", name)
    return names


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(DOCS)))
def test_every_kubernetes_name_in_the_page_exists(page, known):
    named = set(_BACKTICKED.findall(page.read_text(encoding="utf-8")))
    assert named - known == set(), sorted(named - known)


def test_the_check_sees_the_names_it_checks(known):
    runbook = (DOCS / "runbooks" / "disaster-recovery.md").read_text()
    named = set(_BACKTICKED.findall(runbook))
    assert {"till-db", "till-db-app", "till-db-ro", "till-db-restore-app"} <= named
    assert "till-database" not in known


def _strings(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for item in node:
            yield from _strings(item)
    elif isinstance(node, str):
        yield node


def _referring_to_the_database() -> set[str]:
    return {
        resource["metadata"]["name"]
        for resource in rendered("prod")
        if resource["kind"] != "Cluster"
        and any(
            _CLUSTER_NAME.search(text)
            for key, value in resource.items()
            if key != "metadata"  # its own name and labels
            for text in _strings(value)
        )
    }


def test_the_recovery_switch_over_names_every_resource_that_names_the_database():
    runbook = (DOCS / "runbooks" / "disaster-recovery.md").read_text()
    procedure = runbook.split("\n## Procedure A", 1)[1].split("\n## ", 1)[0]
    switch_over = procedure.split("**Switch over.**", 1)[1]
    referring = _referring_to_the_database()
    assert {"till-api", "till-db-pooler-rw", "till-egress-services"} <= referring
    missing = {name for name in referring if f"`{name}`" not in switch_over}
    assert missing == set(), sorted(missing)
