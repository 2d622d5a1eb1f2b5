"""The payment-method vault in PostgreSQL: the card number (or IBAN) is stored
only encrypted (AES-256-GCM under the data keys, bound to the method id)."""

import json
from typing import Any

from sqlalchemy import text

from till.payments.core.billing import BillingDetails
from till.payments.core.payment_methods import PaymentMethod
from till.platform.customer_keys import CustomerKeys
from till.platform.data_keys import DataKeyring
from till.platform.database import Database
from till.platform.driver_statements import Statement, row
from till.platform.postgres_reseal import SealedColumn

_INSERT = text(
    "INSERT INTO payment_methods (id, type, customer_id, brand, last4, exp_month, "
    "exp_year, sealed_number, billing_sealed, billing_subject, created_at) VALUES "
    "(:id, :type, :customer_id, :brand, :last4, :exp_month, :exp_year, :sealed, "
    ":billing, :subject, :created_at)"
)
_BILLING = text(
    "SELECT billing_sealed, billing_subject FROM payment_methods WHERE id = :id"
)
_GET = Statement.of(
    "SELECT id, type, customer_id, brand, last4, exp_month, exp_year, created_at, "
    "sealed_number FROM payment_methods WHERE id = :id"
)


def _context(method_id: str) -> str:
    return f"payment-method:{method_id}"


def _billing_context(method_id: str) -> str:
    return f"billing:{method_id}"


def _method(row: Any) -> PaymentMethod:
    return PaymentMethod(
        id=row.id,
        type=row.type,
        customer_id=row.customer_id,
        created_at=row.created_at,
        brand=row.brand,
        last4=row.last4,
        exp_month=row.exp_month,
        exp_year=row.exp_year,
    )


class SqlaPaymentMethodVault:
    """PaymentMethodVaultPort: each call is one autocommit statement."""

    def __init__(
        self, database: Database, keys: DataKeyring, customer_keys: CustomerKeys
    ) -> None:
        self.database = database
        self.keys = keys
        self.customer_keys = customer_keys

    async def store(self, method: PaymentMethod, secret: str) -> None:
        # personal data under the customer's own key (or the method's, when it
        # has no customer), so erasing the customer shreds it
        subject = method.customer_id or method.id
        billing = None
        if method.billing is not None:
            billing = await self.customer_keys.seal(
                subject,
                json.dumps(method.billing.to_dict(), sort_keys=True),
                _billing_context(method.id),
                method.created_at,
            )
        params = {
            "id": method.id,
            "type": method.type,
            "customer_id": method.customer_id,
            "brand": method.brand,
            "last4": method.last4,
            "exp_month": method.exp_month,
            "exp_year": method.exp_year,
            "sealed": self.keys.encrypt(secret, _context(method.id)),
            "billing": billing,
            "subject": subject if billing else None,
            "created_at": method.created_at,
        }
        async with self.database.read() as conn:
            await conn.execute(_INSERT, params)

    async def get(self, method_id: str) -> PaymentMethod | None:
        found = await self.get_with_secret(method_id, reveal=False)
        return None if found is None else found[0]

    async def get_with_secret(
        self, method_id: str, reveal: bool = True
    ) -> tuple[PaymentMethod, str] | None:
        """The secret is for the gateway call only; never a response or a log."""
        async with self.database.driver() as conn:
            found = row(await conn.fetchrow(_GET.sql, method_id))
        if found is None:
            return None
        secret = ""
        if reveal:
            secret = self.keys.decrypt(found.sealed_number, _context(method_id))
        return _method(found), secret

    async def billing(self, method_id: str) -> BillingDetails | None:
        """The method's billing details; None when there are none or they
        were erased (the customer's key is gone)."""
        async with self.database.read() as conn:
            row = (await conn.execute(_BILLING, {"id": method_id})).first()
        if row is None or row.billing_sealed is None:
            return None
        opened = await self.customer_keys.open(
            row.billing_subject, row.billing_sealed, _billing_context(method_id)
        )
        return None if opened is None else BillingDetails.from_dict(json.loads(opened))


SEALED_COLUMNS = [
    SealedColumn("payment_methods", "id", "sealed_number", "payment-method:{key}")
]
