"""Bodies of the reports and of the personal-data erasure, for the OpenAPI
document (their routes write the JSON themselves, in this shape)."""

from typing import Literal

from pydantic import Field

from till.payments.shell.http import schema_examples as ex
from till.platform.schemas import Response, examples

SETTLEMENT = {
    "object": "settlement",
    "date": "2026-03-02",
    "currency": "usd",
    "gross": 1843200,
    "refunds": 21250,
    "fees": 56413,
    "net": 1765537,
    "count": 412,
}
CHARGE = "sbx_ch_5b0e6f1c9a2d47e38c1f0a7d"
REFUND = "sbx_re_0c4d9e2a7f1b4c6d8e3a5b19"


class SettlementOut(Response):
    """A UTC day's captures in one currency, from the ledger (minor units)."""

    object: Literal["settlement"] = "settlement"
    date: str
    currency: str
    gross: int
    refunds: int
    fees: int
    net: int
    count: int


class SettlementReportOut(Response):
    model_config = examples({"object": "list", "data": [SETTLEMENT]})

    object: Literal["list"] = "list"
    data: list[SettlementOut]


class Period(Response):
    start: str
    end: str


class ReconciliationCounts(Response):
    matched: int
    missing_at_processor: int
    missing_in_ledger: int
    mismatched: int


class Movement(Response):
    """A charge or refund as one side recorded it (minor units)."""

    kind: Literal["charge", "refund"]
    reference: str = Field(description="The processor's id of the movement.")
    currency: str
    amount: int
    fee: int
    payment_id: str | None = Field(default=None, description="absent: unknown")


class Difference(Response):
    ledger: int | str
    processor: int | str


class Mismatch(Movement):
    differences: dict[str, Difference]


class ReconciliationOut(Response):
    """The ledger against the processors for a period."""

    model_config = examples(
        {
            "id": ex.REPORT_ID,
            "object": "reconciliation",
            "period": {
                "start": "2026-03-02T00:00:00+00:00",
                "end": "2026-03-03T00:00:00+00:00",
            },
            "created_at": "2026-03-03T02:00:04.551000+00:00",
            "counts": {
                "matched": 1,
                "missing_at_processor": 0,
                "missing_in_ledger": 0,
                "mismatched": 1,
            },
            "matched": [CHARGE],
            "missing_at_processor": [],
            "missing_in_ledger": [],
            "mismatched": [
                {
                    "kind": "refund",
                    "reference": REFUND,
                    "currency": "usd",
                    "amount": 1250,
                    "fee": 0,
                    "payment_id": ex.PAYMENT_ID,
                    "differences": {"amount": {"ledger": 1250, "processor": 1205}},
                }
            ],
        }
    )

    id: str
    object: Literal["reconciliation"] = "reconciliation"
    period: Period
    created_at: str
    counts: ReconciliationCounts
    matched: list[str]
    missing_at_processor: list[Movement]
    missing_in_ledger: list[Movement]
    mismatched: list[Mismatch]


class ErasureOut(Response):
    model_config = examples({"customer_id": ex.CUSTOMER_ID, "status": "erased"})

    customer_id: str
    status: Literal["erased"] = "erased"
