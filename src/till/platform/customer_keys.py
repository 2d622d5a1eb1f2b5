"""Personal data sealed under a data key of its own per customer (subject), so
that deleting that one key (`shred`) makes all of it unrecoverable at once —
crypto-shredding — while amounts and the audit trail stay. The per-customer
keys are themselves stored wrapped under the data keyring (TILL_DATA_KEYS), so
they rotate with `till keys rotate`."""

import base64
import binascii
import os
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import text

from till.platform.data_keys import DataKeyError, DataKeyring
from till.platform.database import Database
from till.platform.postgres_reseal import SealedColumn

PREFIX = "ck:v1:"
_NONCE = 12
_CREATE = text(
    "INSERT INTO customer_keys (subject, wrapped_key, created_at) "
    "VALUES (:subject, :wrapped, :at) ON CONFLICT (subject) DO NOTHING"
)
_GET = text("SELECT wrapped_key FROM customer_keys WHERE subject = :subject")
_SHRED = text(
    "INSERT INTO customer_keys (subject, wrapped_key, created_at, shredded_at) "
    "VALUES (:subject, NULL, :at, :at) ON CONFLICT (subject) DO UPDATE "
    "SET wrapped_key = NULL, shredded_at = :at WHERE customer_keys.wrapped_key "
    "IS NOT NULL"
)
SEALED_COLUMNS = [
    SealedColumn("customer_keys", "subject", "wrapped_key", "customer-key:{key}")
]


class CustomerKeys:
    def __init__(self, database: Database, keys: DataKeyring) -> None:
        self.database = database
        self.keys = keys

    async def seal(
        self, subject: str, plaintext: str, context: str, at: datetime
    ) -> str:
        """Encrypt under the subject's key (made on first use). Refused once the
        subject was shredded: nothing new may be written for them."""
        async with self.database.read() as conn:
            wrapped = self.keys.encrypt(
                base64.b64encode(AESGCM.generate_key(256)).decode(),
                f"customer-key:{subject}",
            )
            await conn.execute(
                _CREATE, {"subject": subject, "wrapped": wrapped, "at": at}
            )
            stored = await conn.scalar(_GET, {"subject": subject})
        if stored is None:
            raise DataKeyError(f"the personal data of {subject} was erased")
        nonce = os.urandom(_NONCE)
        body = self._aead(subject, stored).encrypt(
            nonce, plaintext.encode(), context.encode()
        )
        return PREFIX + base64.b64encode(nonce + body).decode()

    async def open(self, subject: str, sealed: str, context: str) -> str | None:
        """The plaintext, or None when the subject's key was shredded."""
        async with self.database.read() as conn:
            stored = await conn.scalar(_GET, {"subject": subject})
        if stored is None:
            return None
        if not sealed.startswith(PREFIX):
            raise DataKeyError("value is not sealed under a customer key")
        try:
            raw = base64.b64decode(sealed[len(PREFIX) :], validate=True)
            plain = self._aead(subject, stored).decrypt(
                raw[:_NONCE], raw[_NONCE:], context.encode()
            )
        except (InvalidTag, binascii.Error, ValueError) as error:
            raise DataKeyError("value does not open under the customer key") from error
        return plain.decode()

    async def shred(self, subject: str, at: datetime) -> None:
        """Destroy the subject's key: what it sealed can never be read again."""
        async with self.database.read() as conn:
            await conn.execute(_SHRED, {"subject": subject, "at": at})

    def _aead(self, subject: str, wrapped: str) -> AESGCM:
        key = self.keys.decrypt(wrapped, f"customer-key:{subject}")
        return AESGCM(base64.b64decode(key))
