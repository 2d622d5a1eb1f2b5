"""deploy/observability/grafana: the dashboard is a Grafana dashboard JSON
whose panels each query Prometheus through the datasource variable, sit on the
grid without overlapping, and cover what issue 6 asks to see; the provisioning
files point Grafana at it and at a datasource the variable finds."""

import yaml

from tests.unit.deploy.observability_files import (
    PROVISIONING,
    dashboard_expressions,
    load_dashboard,
    metric_names,
    recorded_names,
)

DATASOURCE = {"type": "prometheus", "uid": "${DS_PROMETHEUS}"}
# What the issue asks the dashboard to show, by the series that show it.
SHOWN = {
    "till_http_requests_total",  # request rate and errors per route group
    "till_http_request_duration_seconds_bucket",  # p95s: login, order create
    "till_payment_outcomes_total",  # outcomes and failure rate
    "till_outbox_pending_events",
    "till_webhook_deliveries_pending",
    "till_dlq_messages",
    "till_gateway_breaker_open",
    "till_login_attempts_total",  # logins by outcome
    "till_reconciliation_differences_total",
    "till_cache_lookups_total",
    "till_legacy_dual_write_lag_seconds",
    "till:http_5xx_requests:rate5m",  # error budget remaining
}


def _panels():
    return [p for p in load_dashboard()["panels"] if p["type"] != "row"]


def test_the_dashboard_is_a_current_grafana_dashboard():
    dashboard = load_dashboard()
    assert dashboard["schemaVersion"] >= 36 and dashboard["uid"] == "till-overview"
    (variable,) = dashboard["templating"]["list"]
    assert (variable["name"], variable["type"]) == ("DS_PROMETHEUS", "datasource")
    assert variable["query"] == "prometheus"


def test_panel_ids_are_unique_and_every_panel_has_a_place_on_the_grid():
    panels = load_dashboard()["panels"]
    ids = [p["id"] for p in panels]
    assert len(ids) == len(set(ids))
    taken: set[tuple[int, int]] = set()
    for panel in panels:
        grid = panel["gridPos"]
        assert grid["w"] > 0 and grid["h"] > 0 and grid["x"] + grid["w"] <= 24
        cells = {
            (x, y)
            for x in range(grid["x"], grid["x"] + grid["w"])
            for y in range(grid["y"], grid["y"] + grid["h"])
        }
        assert not cells & taken, f"panel {panel['id']} overlaps another"
        taken |= cells


def test_every_panel_queries_prometheus_through_the_datasource_variable():
    for panel in _panels():
        assert panel["datasource"] == DATASOURCE, panel["title"]
        assert panel["targets"], panel["title"]
        ref_ids = [t["refId"] for t in panel["targets"]]
        assert len(ref_ids) == len(set(ref_ids)), panel["title"]
        for target in panel["targets"]:
            assert target["datasource"] == DATASOURCE, panel["title"]
            assert target["expr"].strip(), panel["title"]


def test_the_dashboard_shows_what_the_issue_asks_for():
    shown = set().union(*(metric_names(e) for e in dashboard_expressions()))
    assert shown >= SHOWN, SHOWN - shown


def test_the_dashboard_names_till_series_and_recording_rules_of_alerts_yml():
    recorded = recorded_names()
    for expr in dashboard_expressions():
        for name in metric_names(expr):
            assert name.startswith("till_") or name in recorded, (name, expr)


def test_provisioning_loads_the_dashboards_and_the_datasource_it_expects():
    sources = yaml.safe_load((PROVISIONING / "datasources/prometheus.yml").read_text())
    (source,) = sources["datasources"]
    assert source["type"] == "prometheus"
    default = load_dashboard()["templating"]["list"][0]["current"]["value"]
    assert source["uid"] == default
    boards = yaml.safe_load((PROVISIONING / "dashboards/till.yml").read_text())
    (provider,) = boards["providers"]
    assert provider["type"] == "file"
    assert provider["options"]["path"] == "/var/lib/grafana/dashboards"
