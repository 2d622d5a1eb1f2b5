"""promtool loads the compose stack's Prometheus config with its rule files
where compose mounts them: the scrape config is valid and the rules it names
are the alerts of deploy/observability/alerts.yml."""

import re
import shutil
import subprocess
from pathlib import Path

import yaml

from tests.unit.deploy.compose_file import services
from tests.unit.deploy.rendered_overlays import DEPLOY

CONFIG = DEPLOY / "observability" / "prometheus.yml"


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    promtool = shutil.which("promtool")
    assert promtool, "promtool is missing: run .ci/services.sh (it installs it)"
    return subprocess.run([promtool, *args], capture_output=True, text=True, timeout=60)


def _as_mounted(tmp_path: Path) -> Path:
    """The config with each rule file path replaced by the host file compose
    mounts there (a path compose does not mount stays as it is, and fails)."""
    mounts = {}
    for volume in services()["prometheus"]["volumes"]:
        source, target = volume.split(":")[:2]
        if source.startswith("."):
            mounts[target] = str((DEPLOY / source).resolve())
    config = yaml.safe_load(CONFIG.read_text())
    config["rule_files"] = [mounts.get(path, path) for path in config["rule_files"]]
    written = tmp_path / "prometheus.yml"
    written.write_text(yaml.safe_dump(config))
    return written


def test_promtool_loads_the_config_and_the_mounted_alert_rules(tmp_path):
    checked = _promtool("check", "config", str(_as_mounted(tmp_path)))
    output = checked.stdout + checked.stderr
    assert checked.returncode == 0, output
    assert "SUCCESS: 1 rule files found" in output
    alerts = (DEPLOY / "observability" / "alerts.yml").resolve()
    assert f"Checking {alerts}" in output
    found = re.search(r"SUCCESS: (\d+) rules found", output)
    assert found, output
    rules = int(found.group(1))
    assert rules == len(
        re.findall(r"^\s+- (?:alert|record):", alerts.read_text(), re.M)
    )


def test_promtool_refuses_a_rule_file_that_is_not_there(tmp_path):
    config = yaml.safe_load(CONFIG.read_text())
    config["rule_files"] = [str(tmp_path / "absent.yml")]
    broken = tmp_path / "broken.yml"
    broken.write_text(yaml.safe_dump(config))
    assert _promtool("check", "config", str(broken)).returncode != 0
