"""Every series the alert rules and the dashboard name is one the app really
exports, and every route they match on is a route label the app really
produces: the app is driven (a login, a payment created and confirmed, an
order, a request to each payment command) and GET /metrics is scraped."""

import re

from prometheus_client.parser import text_string_to_metric_families

from tests.integration.orders import flows as orders
from tests.integration.payments.flows import completed, key, user
from tests.unit.deploy.observability_files import (
    alternatives,
    dashboard_expressions,
    exported_names,
    label_matchers,
    metric_names,
    recorded_names,
    rule_expressions,
)


async def _drive(http) -> None:
    _, auth = await user(http)  # register and log in
    payment = await completed(http, auth)
    path = f"/v1/payments/{payment['id']}"
    assert (await http.get(path, headers=auth)).status_code == 200
    for command in ("confirm", "capture", "cancel", "refunds"):
        # refused (state or role), but routed: the route label is the template
        await http.post(f"{path}/{command}", json={}, headers=auth | key())
    await orders.create(http, auth)
    for probe in ("/healthz", "/readyz"):
        assert (await http.get(probe)).status_code == 200


def _routes_seen(exposition: str) -> set[str]:
    return {
        sample.labels["route"]
        for family in text_string_to_metric_families(exposition)
        if family.name == "till_http_requests"
        for sample in family.samples
        if "route" in sample.labels
    }


def _expressions() -> list[str]:
    return rule_expressions() + dashboard_expressions()


async def test_alerts_and_dashboard_name_only_exported_series_and_real_routes(
    client,
):
    await _drive(client)
    await client.get("/metrics")  # so /metrics itself has a route label
    scraped = (await client.get("/metrics")).text
    exported, recorded = exported_names(scraped), recorded_names()
    named = set().union(*(metric_names(e) for e in _expressions()))
    assert named - recorded, "no metric names found: the extraction is broken"
    assert named - recorded <= exported, sorted(named - recorded - exported)

    routes = _routes_seen(scraped)
    assert "/v1/payments/{payment_id}/confirm" in routes, sorted(routes)
    for expr in _expressions():
        for op, value in label_matchers(expr, "route"):
            wanted = alternatives(value) if "~" in op else [value]
            for alternative in wanted:
                assert any(re.fullmatch(alternative, r) for r in routes), (
                    alternative,
                    sorted(routes),
                )


async def test_a_confirmed_payment_shows_in_the_outcome_series(client):
    def succeeded(exposition: str) -> float:
        (value,) = [
            sample.value
            for family in text_string_to_metric_families(exposition)
            if family.name == "till_payment_outcomes"
            for sample in family.samples
            if sample.name == "till_payment_outcomes_total"
            and sample.labels == {"outcome": "succeeded"}
        ]
        return value

    before = succeeded((await client.get("/metrics")).text)
    _, auth = await user(client)
    await completed(client, auth)
    assert succeeded((await client.get("/metrics")).text) == before + 1
