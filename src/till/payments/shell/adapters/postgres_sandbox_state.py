"""The sandbox processor's state in PostgreSQL (`sandbox_charges`,
`sandbox_answers`, migration 0025), so every till process talks to one
processor. A new charge costs one statement (answer and charge inserted
together unless the key has an answer); a call on a charge (capture, void,
refund, lookup) runs in a transaction holding the charge's row lock, which
also serialises the calls under one key (its key belongs to that charge)."""

from typing import Any

from sqlalchemy import text

from till.kernel.money import Money, currency
from till.payments.core.gateway import GatewayResult, Outcome
from till.payments.shell.adapters.sandbox_state import (
    Change,
    Charge,
    Decide,
    KeyReused,
    replayed,
)
from till.platform.database import Database
from till.platform.driver_statements import Statement

_ANSWER_COLUMNS = "key, fingerprint, outcome, reference, decline_code, message, fee"
_CHARGE_COLUMNS = (
    "reference, payment_id, status, currency, amount, captured, refunded, "
    "decline_code, settles_at, voided"
)
_OPEN = Statement.of(
    f"""
    WITH answer AS (
        INSERT INTO sandbox_answers ({_ANSWER_COLUMNS})
        VALUES (:key, :fingerprint, :outcome, :reference, :decline_code, :message,
            :fee)
        ON CONFLICT (key) DO NOTHING
        RETURNING key),
    charge AS (
        INSERT INTO sandbox_charges ({_CHARGE_COLUMNS})
        SELECT CAST(:c_reference AS text), CAST(:payment_id AS text),
            CAST(:status AS text), CAST(:currency AS text), CAST(:amount AS bigint),
            CAST(:captured AS bigint), CAST(:refunded AS bigint),
            CAST(:c_decline_code AS text), CAST(:settles_at AS timestamptz),
            CAST(:voided AS boolean)
        WHERE EXISTS (SELECT 1 FROM answer)
        RETURNING 1)
    SELECT count(*) FROM answer
    """  # noqa: S608  # nosec B608
)
_KNOWN = Statement.of(
    f"SELECT {_ANSWER_COLUMNS} FROM sandbox_answers WHERE key = :key"  # noqa: S608  # nosec B608
)
_LOCK_CHARGE = text(
    f"SELECT {_CHARGE_COLUMNS} FROM sandbox_charges WHERE reference = :reference "  # noqa: S608  # nosec B608
    "FOR UPDATE"
)
_ANSWER = text(
    f"SELECT {_ANSWER_COLUMNS} FROM sandbox_answers WHERE key = :key"  # noqa: S608  # nosec B608
)
_SAVE_CHARGE = text(
    "UPDATE sandbox_charges SET status = :status, captured = :captured, "
    "refunded = :refunded, settles_at = :settles_at, voided = :voided "
    "WHERE reference = :c_reference"
)
_SAVE_ANSWER = text(
    f"INSERT INTO sandbox_answers ({_ANSWER_COLUMNS}) VALUES (:key, :fingerprint, "  # noqa: S608  # nosec B608
    ":outcome, :reference, :decline_code, :message, :fee) "
    "ON CONFLICT (key) DO NOTHING"
)


class PostgresSandboxState:
    def __init__(self, database: Database) -> None:
        self.database = database

    async def open(
        self, key: str, fingerprint: bytes, change: Change
    ) -> tuple[GatewayResult, bool]:
        params = _answer_params(key, fingerprint, change.result)
        if change.charge is not None:
            params |= _charge_params(change.charge)
        async with self.database.driver() as conn:
            if await conn.fetchval(_OPEN.sql, *_OPEN.args(params)):
                return change.result, True
            # The key was answered before (its row is committed: the insert
            # waited for it); this call's charge was not stored.
            known = await conn.fetchrow(_KNOWN.sql, *_KNOWN.args({"key": key}))
        return replayed(_answer(known), fingerprint), False

    async def apply(
        self, key: str | None, fingerprint: bytes, reference: str, decide: Decide
    ) -> tuple[Change, bool]:
        async with self.database.transaction() as conn:
            found = (await conn.execute(_LOCK_CHARGE, {"reference": reference})).first()
            if key is not None:
                known = (await conn.execute(_ANSWER, {"key": key})).first()
                if known is not None:
                    answer = replayed(_answer(known._mapping), fingerprint)
                    return Change(None, answer), False
            charge = None if found is None else _charge(found._mapping)
            change = decide(charge)
            if change.charge is not None and change.charge != charge:
                await conn.execute(_SAVE_CHARGE, _charge_params(change.charge))
            if key is not None:
                params = _answer_params(key, fingerprint, change.result)
                saved = await conn.execute(_SAVE_ANSWER, params)
                if not saved.rowcount:  # the key was used on another charge
                    raise KeyReused()
        return change, True


def _answer_params(
    key: str, fingerprint: bytes, result: GatewayResult
) -> dict[str, Any]:
    return {
        "key": key,
        "fingerprint": fingerprint,
        "outcome": result.outcome.value,
        "reference": result.reference,
        "decline_code": result.decline_code,
        "message": result.message,
        "fee": result.fee,
    }


def _charge_params(charge: Charge) -> dict[str, Any]:
    return {
        "c_reference": charge.reference,
        "payment_id": charge.payment_id,
        "status": charge.status.value,
        "currency": charge.amount.currency.code,
        "amount": charge.amount.amount,
        "captured": charge.captured.amount,
        "refunded": charge.refunded.amount,
        "c_decline_code": charge.decline_code,
        "settles_at": charge.settles_at,
        "voided": charge.voided,
    }


def _answer(row: Any) -> tuple[bytes, GatewayResult]:
    result = GatewayResult(
        Outcome(row["outcome"]),
        row["reference"],
        row["decline_code"],
        row["message"],
        None if row["fee"] is None else int(row["fee"]),
    )
    return bytes(row["fingerprint"]), result


def _charge(row: Any) -> Charge:
    code = currency(row["currency"])
    return Charge(
        row["reference"],
        row["payment_id"],
        Outcome(row["status"]),
        Money(int(row["amount"]), code),
        Money(int(row["captured"]), code),
        Money(int(row["refunded"]), code),
        row["decline_code"],
        row["settles_at"],
        bool(row["voided"]),
    )
