"""Kubernetes label selectors, as the API server applies them, for the tests
that check what a Service, a budget or a network policy selects."""

from __future__ import annotations

from typing import Any


def matches(selector: dict[str, Any], labels: dict[str, str]) -> bool:
    """`selector` (matchLabels and matchExpressions) selects `labels`; raises
    on an operator the tests do not model rather than guess."""
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        present = labels.get(expression["key"])
        if expression["operator"] == "In" and present not in expression["values"]:
            return False
        if expression["operator"] not in ("In",):
            raise AssertionError(f"operator {expression['operator']} not modelled")
    return True
