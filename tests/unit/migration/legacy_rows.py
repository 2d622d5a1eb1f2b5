"""Builders of the two snapshots for the migration's unit tests."""

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from till.migration.core.legacy_orders import LegacyItem, LegacyOrder, NewItem, NewOrder

BERLIN = ZoneInfo("Europe/Berlin")
ORDER_ID = "ord_01JD3Q8X7N1F5C9H2K4M6P8R0T"


def legacy_order(**changes: Any) -> LegacyOrder:
    order = LegacyOrder(
        id=7,
        increment_id=ORDER_ID,
        customer_id=42,
        status="processing",
        currency_code="EUR",
        sub_total=Decimal("29.9700"),
        grand_total=Decimal("29.9700"),
        items=(
            LegacyItem("MUG", "Mug", 2, Decimal("9.9900"), Decimal("19.9800")),
            LegacyItem("CAP", "Cap", 1, Decimal("9.9900"), Decimal("9.9900")),
        ),
        created_at=datetime(2026, 6, 1, 14, 3, 0),
        updated_at=datetime(2026, 6, 1, 15, 0, 0),
    )
    return replace(order, **changes)


def new_order(**changes: Any) -> NewOrder:
    order = NewOrder(
        id=ORDER_ID,
        status="paid",
        customer_id="lgc_42",
        currency="eur",
        items=(
            NewItem("CAP", "Cap", 1, 999, 999),
            NewItem("MUG", "Mug", 2, 999, 1998),
        ),
        subtotal=2997,
        total=2997,
        legacy_id=7,
        created_at=datetime(2026, 6, 1, 12, 3, 0, 450_000, tzinfo=UTC),
        updated_at=datetime(2026, 6, 1, 13, 0, 0, tzinfo=UTC),
    )
    return replace(order, **changes)
