"""Reading deploy/observability: the Prometheus rule file, the Grafana
dashboard, and what their PromQL names — metrics, recording rules and the
values matched on a label — for the tests that hold them to the app."""

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[3]
OBSERVABILITY = ROOT / "deploy" / "observability"
ALERTS = OBSERVABILITY / "alerts.yml"
DASHBOARD = OBSERVABILITY / "grafana" / "dashboards" / "till.json"
PROVISIONING = OBSERVABILITY / "grafana" / "provisioning"

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')
_MATCHERS = re.compile(r"\{[^}]*\}")
_RANGE = re.compile(r"\[[^\]]*\]")
_GROUPING = re.compile(
    r"\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)"
)
# An identifier not glued to a number (1e3, 5m) or a label value.
_NAME = re.compile(r"(?<![\w.$])[A-Za-z_:][A-Za-z0-9_:]*")
_KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left",
    "group_right", "offset", "bool", "inf", "nan", "atan2",
}  # fmt: skip


@cache
def _rule_file() -> dict[str, Any]:
    """Parsed once per run (PyYAML takes milliseconds; the tests read it often).
    Callers must not change what they get."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    loaded: dict[str, Any] = yaml.load(ALERTS.read_text(), Loader=loader)  # noqa: S506  # nosec B506
    return loaded


def load_rules() -> list[dict[str, Any]]:
    """Every rule of every group, recording rules and alerts."""
    return [rule for group in _rule_file()["groups"] for rule in group["rules"]]


def alerts() -> dict[str, dict[str, Any]]:
    return {rule["alert"]: rule for rule in load_rules() if "alert" in rule}


def recorded_names() -> set[str]:
    return {rule["record"] for rule in load_rules() if "record" in rule}


def rule_expressions() -> list[str]:
    return [str(rule["expr"]) for rule in load_rules()]


def load_dashboard() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(DASHBOARD.read_text())
    return loaded


def dashboard_expressions() -> list[str]:
    return [
        target["expr"]
        for panel in load_dashboard()["panels"]
        for target in panel.get("targets", [])
    ]


def metric_names(expr: str) -> set[str]:
    """The series names an expression selects: identifiers that are not
    functions, keywords, label names of a grouping, or inside a selector's
    braces, a range or a string."""
    text = _STRING.sub('""', expr)
    text = _MATCHERS.sub("", text)
    text = _RANGE.sub("", text)
    text = _GROUPING.sub("", text)
    names = set()
    for found in _NAME.finditer(text):
        rest = text[found.end() :].lstrip()
        if rest.startswith("(") or found.group() in _KEYWORDS:
            continue  # a function call or an operator
        names.add(found.group())
    return names


def label_matchers(expr: str, label: str) -> list[tuple[str, str]]:
    """(operator, value) of every matcher on `label`, the value unquoted as
    PromQL reads it (`\\\\{` in the file is the regex `\\{`)."""
    pattern = re.compile(rf'\b{label}\s*(=~|!~|!=|=)\s*("(?:[^"\\]|\\.)*")')
    return [(op, json.loads(quoted)) for op, quoted in pattern.findall(expr)]


def alternatives(regex: str) -> list[str]:
    """A regex's top-level alternatives (`a|b(c|d)` → `a`, `b(c|d)`)."""
    parts, depth, start = [], 0, 0
    escaped = False
    for i, char in enumerate(regex):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(regex[start:i])
            start = i + 1
    return [*parts, regex[start:]]


def exported_names(exposition: str) -> set[str]:
    """The sample names a scrape's families stand for, from their `# TYPE`
    lines (present even before a labelled family has its first sample)."""
    suffixes = {
        "counter": ["_total"],
        "histogram": ["_bucket", "_sum", "_count"],
        "summary": ["_sum", "_count", ""],
        "gauge": [""],
        "untyped": [""],
    }
    names = set()
    for line in exposition.splitlines():
        if line.startswith("# TYPE "):
            _, _, family, kind = line.split(" ", 3)
            base = family.removesuffix("_total") if kind == "counter" else family
            names |= {base + suffix for suffix in suffixes.get(kind, [""])}
    return names
