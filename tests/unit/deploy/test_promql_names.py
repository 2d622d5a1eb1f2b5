"""The PromQL reading the observability tests rely on: which identifiers are
series names, which values a label is matched on, a regex's alternatives, and
which sample names a scrape's families stand for."""

from tests.unit.deploy.observability_files import (
    alternatives,
    exported_names,
    label_matchers,
    metric_names,
)


def test_series_names_leave_out_functions_keywords_groupings_and_labels():
    expr = (
        "histogram_quantile(0.95, sum by (route, le) (rate("
        'till_http_request_duration_seconds_bucket{route=~"/v1/x|/y"}[5m])))'
        " > 0.5 and on (method, route) till:http_requests_by_route:rate5m > 1e3"
    )
    assert metric_names(expr) == {
        "till_http_request_duration_seconds_bucket",
        "till:http_requests_by_route:rate5m",
    }


def test_strings_ranges_and_grafana_variables_are_not_names():
    expr = (
        'label_replace(rate(a_total{status=~"5.."}[$__rate_interval]), '
        '"group", "$1", "route", "/v1/([^/]+).*") / 0.0001 offset 5m'
    )
    assert metric_names(expr) == {"a_total"}


def test_label_matchers_are_read_as_promql_unquotes_them():
    expr = (
        'x{method="POST",route=~"/v1/p|/v1/p/\\\\{id\\\\}/c"} '
        'or y{route!~"/healthz|/readyz"}'
    )
    assert label_matchers(expr, "route") == [
        ("=~", "/v1/p|/v1/p/\\{id\\}/c"),
        ("!~", "/healthz|/readyz"),
    ]
    assert label_matchers(expr, "method") == [("=", "POST")]


def test_alternatives_split_only_at_the_top_level():
    assert alternatives("/a|/b/(c|d)|/e\\|f") == ["/a", "/b/(c|d)", "/e\\|f"]


def test_exported_names_follow_each_family_type():
    scrape = "\n".join(
        [
            "# HELP a_total A",
            "# TYPE a_total counter",
            "# TYPE b histogram",
            "# TYPE c gauge",
            'c{x="1"} 2.0',
        ]
    )
    assert exported_names(scrape) == {
        "a_total", "b_bucket", "b_sum", "b_count", "c",
    }  # fmt: skip
