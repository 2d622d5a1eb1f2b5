"""What the goldens normalise away: the timestamps' time zone and how they
move, and the seeded history (checked through the app's own API)."""

import time
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from tests.integration.legacy.server import LegacyDatabase, LegacyServer

STAMP = "%Y-%m-%d %H:%M:%S"
LEGACY_STATUSES = (
    "pending",
    "processing",
    "holded",
    "complete",
    "closed",
    "canceled",
    "cancelled",
)


def local_now(timezone: str) -> datetime:
    return datetime.now(ZoneInfo(timezone)).replace(tzinfo=None)


def test_timestamps_are_the_naive_wall_clock_time_of_legacy_tz(
    legacy_app: LegacyServer,
) -> None:
    tz = legacy_app.database.timezone
    auth = {"Authorization": f"Bearer {legacy_app.token}"}
    body = {
        "customer_id": 71001,
        "currency": "EUR",
        "items": [{"sku": "A", "name": "a", "qty": 1, "price": "1"}],
    }
    with legacy_app.client() as http:
        created = http.post("/api/orders", json=body, headers=auth).json()
        stamped = datetime.strptime(created["created_at"], STAMP)
        assert abs(stamped - local_now(tz)) < timedelta(seconds=10)
        utc_now = datetime.now(ZoneInfo("UTC")).replace(tzinfo=None)
        assert abs(stamped - utc_now) > timedelta(minutes=55)  # Berlin: +1 h or +2 h
        time.sleep(1.1)
        path = f"/api/orders/{created['id']}"
        canceled = http.post(path + "/cancel", headers=auth).json()
        assert canceled["created_at"] == created["created_at"]
        assert canceled["updated_at"] > created["updated_at"]
        time.sleep(1.1)
        again = http.post(path + "/cancel", headers=auth).json()  # a no-op
        assert again["updated_at"] == canceled["updated_at"]
        assert http.get(path, headers=auth).json()["updated_at"] == again["updated_at"]


def test_the_seed_fills_two_years_of_history_the_app_serves() -> None:
    database = LegacyDatabase().create()
    try:
        summary = database.seed(orders=1500, seed=3)
        server = LegacyServer.start(database)
        try:
            check_seeded_history(server, summary)
        finally:
            server.stop()
    finally:
        database.drop()


def check_seeded_history(server: LegacyServer, summary: dict[str, Any]) -> None:
    assert summary["orders"] == 1500
    assert summary["items"] >= 1500
    assert summary["orders_per_second"] > 0
    auth = {"Authorization": f"Bearer {server.token}"}
    with server.client() as http:

        def page(query: str) -> dict[str, Any]:
            answer: dict[str, Any] = http.get(
                f"/api/orders?{query}", headers=auth
            ).json()
            return answer

        visible = page("page=1")["total"]
        assert 1500 * 0.98 < visible < 1500  # a few are soft-deleted
        by_status = {s: page(f"status={s}")["total"] for s in LEGACY_STATUSES}
        assert sum(by_status.values()) == visible
        assert all(by_status.values()), by_status  # every spelling occurs
        assert by_status["complete"] > visible / 2

        middle = page("page=50")
        labels = [link["label"] for link in middle["links"]]
        assert labels.count("...") == 2
        assert labels[labels.index("50") - 3 : labels.index("50") + 4] == [
            str(n) for n in range(47, 54)
        ]

        newest = page("page=1")["data"][0]
        oldest = page(f"page={page('page=1')['last_page']}")["data"][-1]
        now = local_now(server.database.timezone)
        assert datetime.strptime(newest["created_at"], STAMP) <= now
        assert datetime.strptime(oldest["created_at"], STAMP) > now - timedelta(
            days=731
        )
        assert datetime.strptime(oldest["created_at"], STAMP) < now - timedelta(
            days=600
        )

        for listed in middle["data"][:5]:
            order = http.get(f"/api/orders/{listed['id']}", headers=auth).json()
            rows = [Decimal(i["price"]) * i["qty"] for i in order["items"]]
            assert [Decimal(i["row_total"]) for i in order["items"]] == rows
            assert (
                Decimal(order["sub_total"])
                == sum(rows)
                == Decimal(order["grand_total"])
            )
