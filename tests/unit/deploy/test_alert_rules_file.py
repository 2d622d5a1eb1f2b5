"""deploy/observability/alerts.yml holds the alerts of issue 6 under their
agreed names, each with a severity, a summary, a description and a runbook
that exists and names it, and names only till's series and its own recording
rules. (promtool checks the syntax and runs the rule tests:
tests/integration/observability/.)"""

import re
from collections import defaultdict
from pathlib import Path

from tests.unit.deploy.observability_files import (
    alerts,
    load_rules,
    metric_names,
    recorded_names,
    rule_expressions,
)

ROOT = Path(__file__).resolve().parents[3]
RUNBOOK_DIR = ROOT / "docs" / "runbooks"
# An alert's name as the runbooks write it: in backticks.
_ALERT_NAME = re.compile(r"`(Till[A-Z][A-Za-z0-9]*)`")

CONTRACT = {
    "TillPaymentFailureRateHigh": "breaker-open",
    "TillPaymentLatencyP95High": None,
    "TillStatusReadLatencyP95High": None,
    "TillLoginLatencyP95High": None,
    "TillOrderCreateLatencyP95High": None,
    "TillOutboxBacklog": "webhook-backlog",
    "TillWebhookBacklog": "webhook-backlog",
    "TillDLQNotEmpty": "dlq",
    "TillProcessorBreakerOpen": "breaker-open",
    "TillReconciliationMismatch": "reconciliation-mismatch",
    "TillErrorBudgetBurnFast": "error-budget",
    "TillErrorBudgetBurnSlow": "error-budget",
}
RUNBOOKS = {
    "disaster-recovery", "webhook-backlog", "dlq", "breaker-open",
    "reconciliation-mismatch", "key-rotation", "error-budget",
}  # fmt: skip
LATENCY_TARGETS = {
    "TillPaymentLatencyP95High": "0.5",
    "TillStatusReadLatencyP95High": "0.1",
    "TillLoginLatencyP95High": "0.1",
    "TillOrderCreateLatencyP95High": "0.2",
}


def test_the_alerts_are_exactly_those_agreed():
    assert set(alerts()) == set(CONTRACT)


def test_every_alert_has_a_severity_a_summary_a_description_and_a_runbook():
    for name, rule in alerts().items():
        assert rule["labels"]["severity"] in {"page", "ticket"}, name
        notes = rule["annotations"]
        assert notes["summary"].strip() and notes["description"].strip(), name
        found = re.fullmatch(r"docs/runbooks/([a-z-]+)\.md", notes["runbook_url"])
        assert found and found.group(1) in RUNBOOKS, (name, notes["runbook_url"])
        if CONTRACT[name] is not None:
            assert found.group(1) == CONTRACT[name], name


def _pointing_at() -> dict[str, set[str]]:
    """runbook file name → the alerts whose runbook_url names it."""
    pointing: dict[str, set[str]] = defaultdict(set)
    for name, rule in alerts().items():
        pointing[Path(rule["annotations"]["runbook_url"]).name].add(name)
    return pointing


def _header(runbook: Path) -> str:
    """What a runbook says before its first section: the alerts it serves."""
    return runbook.read_text(encoding="utf-8").split("\n## ", 1)[0]


def test_every_runbook_url_is_a_file_under_docs_runbooks():
    for name, rule in alerts().items():
        url = rule["annotations"]["runbook_url"]
        assert url.startswith("docs/runbooks/"), (name, url)
        assert (ROOT / url).is_file(), (name, url)


def test_every_runbook_names_the_alerts_that_point_at_it_at_its_top():
    for file_name, names in _pointing_at().items():
        named = set(_ALERT_NAME.findall(_header(RUNBOOK_DIR / file_name)))
        assert names <= named, (file_name, sorted(names - named))


def test_runbooks_name_no_alert_that_does_not_exist():
    for runbook in RUNBOOK_DIR.glob("*.md"):
        named = set(_ALERT_NAME.findall(runbook.read_text(encoding="utf-8")))
        assert named <= set(alerts()), (runbook.name, sorted(named - set(alerts())))


def test_a_runbook_that_says_no_alert_points_at_it_is_right():
    pointing = _pointing_at()
    quiet = [r for r in RUNBOOK_DIR.glob("*.md") if "No alert points" in _header(r)]
    assert quiet, "the runbooks no alert serves say so"
    for runbook in quiet:
        assert runbook.name not in pointing, (runbook.name, pointing[runbook.name])


def test_latency_alerts_compare_a_p95_with_the_seed_targets():
    for name, target in LATENCY_TARGETS.items():
        expr = alerts()[name]["expr"]
        assert "till:http_request_duration_seconds:p95_5m" in expr, name
        assert re.search(rf"\}}\s*>\s*{re.escape(target)}\b", expr), name


def test_the_p95_recording_rule_is_a_histogram_quantile_of_the_http_buckets():
    (rule,) = [
        r
        for r in load_rules()
        if r.get("record") == "till:http_request_duration_seconds:p95_5m"
    ]
    assert rule["expr"].startswith("histogram_quantile(0.95,")
    assert "till_http_request_duration_seconds_bucket" in rule["expr"]


def test_the_burn_rate_alerts_use_the_workbook_windows_for_99_99():
    fast = alerts()["TillErrorBudgetBurnFast"]["expr"]
    slow = alerts()["TillErrorBudgetBurnSlow"]["expr"]
    for window, factor in (("1h", "14.4"), ("5m", "14.4"), ("6h", "6"), ("30m", "6")):
        assert f"till:http_5xx_ratio:rate{window} > ({factor} * 0.0001)" in fast
    for window, factor in (("1d", "(3 * 0.0001)"), ("2h", "(3 * 0.0001)")):
        assert f"till:http_5xx_ratio:rate{window} > {factor}" in slow
    for window in ("3d", "6h"):
        assert f"till:http_5xx_ratio:rate{window} > 0.0001" in slow


def test_rules_name_only_till_series_and_recording_rules_defined_here():
    recorded = recorded_names()
    for expr in rule_expressions():
        for name in metric_names(expr):
            assert name.startswith("till_") or name in recorded, (name, expr)


def test_every_recording_rule_is_named_level_metric_operation():
    for name in recorded_names():
        assert re.fullmatch(r"till:[a-z0-9_]+:[a-z0-9_]+", name), name
