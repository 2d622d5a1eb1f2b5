"""promtool (Prometheus's own checker, installed by .ci/services.sh) accepts
the rule file, runs its unit tests (alerts.test.yml: each tested alert fires
on the series that should trigger it and stays quiet on healthy ones), and
parses every dashboard query."""

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.unit.deploy.observability_files import ALERTS, dashboard_expressions

HERE = Path(__file__).resolve().parent


def _promtool(*args: str, cwd: Path = HERE) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: run .ci/services.sh (it installs it)"
    return subprocess.run(
        [promtool, *args], cwd=cwd, capture_output=True, text=True, timeout=60
    )


def test_promtool_accepts_the_rule_file():
    checked = _promtool("check", "rules", str(ALERTS))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS" in checked.stdout


def test_the_alerts_fire_as_their_promtool_tests_expect():
    tested = _promtool("test", "rules", "alerts.test.yml")
    assert tested.returncode == 0, tested.stdout + tested.stderr


def test_promtool_rejects_a_broken_expression(tmp_path):
    """The check above can fail: a rule with a syntax error is refused."""
    broken = tmp_path / "broken.yml"
    broken.write_text(
        yaml.safe_dump(
            {"groups": [{"name": "x", "rules": [{"record": "a:b:c", "expr": "sum("}]}]}
        )
    )
    assert _promtool("check", "rules", str(broken)).returncode != 0


def test_every_dashboard_query_is_valid_promql(tmp_path):
    """Each query as a recording rule, for promtool to parse (Grafana's
    $__rate_interval becomes a plain range)."""
    rules = [
        {"record": f"dashboard:query:n{i}", "expr": re.sub(r"\$__\w+", "5m", expr)}
        for i, expr in enumerate(dashboard_expressions())
    ]
    queries = tmp_path / "dashboard.yml"
    queries.write_text(yaml.safe_dump({"groups": [{"name": "q", "rules": rules}]}))
    checked = _promtool("check", "rules", str(queries))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert f"{len(rules)} rules found" in checked.stdout
