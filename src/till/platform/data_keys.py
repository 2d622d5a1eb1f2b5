"""Encryption at rest for small secrets (TOTP seeds, JWT private keys): AES-256-GCM
under named keys. The first key encrypts; every key decrypts, so a new key can be
put in front without breaking what the old ones wrote. Each value carries its key
id, and a context string (e.g. `totp:<user id>`) is bound as associated data, so
a ciphertext copied to another row does not decrypt.

Keys come from TILL_DATA_KEYS (`kid:base64-32-bytes,kid2:...`). Only with the
bundled PostgreSQL (one machine) may a key be generated into `<data dir>/data-keys`
(mode 0600) instead. Every stored value must be encrypted: a plain value in a
column that holds secrets is refused, so no one can plant one.
"""

import base64
import binascii
import contextlib
import hashlib
import hmac
import os
import secrets
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "enc:v1:"
_NONCE = 12


class DataKeyError(Exception):
    """A value that cannot be decrypted: wrong key, context or tampering."""


class DataKeyring:
    def __init__(self, keys: dict[str, bytes], current: str) -> None:
        if any(len(key) != 32 for key in keys.values()):
            raise ValueError("data keys must be 32 bytes (AES-256)")
        self._keys = {kid: AESGCM(key) for kid, key in keys.items()}
        self._current = current
        self._current_raw = keys[current]

    @classmethod
    def from_setting(cls, value: str) -> "DataKeyring":
        keys: dict[str, bytes] = {}
        for item in (part.strip() for part in value.split(",") if part.strip()):
            kid, _, encoded = item.partition(":")
            if not kid or not encoded:
                raise ValueError("TILL_DATA_KEYS entries look like kid:base64key")
            if kid in keys:
                raise ValueError(f"TILL_DATA_KEYS names key {kid!r} twice")
            try:
                keys[kid] = base64.b64decode(encoded, validate=True)
            except binascii.Error as error:
                raise ValueError(f"key {kid!r} is not valid base64") from error
        if not keys:
            raise ValueError("TILL_DATA_KEYS names no key")
        return cls(keys, next(iter(keys)))

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(_NONCE)
        sealed = self._keys[self._current].encrypt(
            nonce, plaintext.encode(), context.encode()
        )
        body = base64.b64encode(nonce + sealed).decode()
        return f"{PREFIX}{self._current}:{body}"

    def derive(self, label: str) -> bytes:
        """A key for another purpose (HMAC), bound to `label`, from the current
        key: it changes when the current key does."""
        return hmac.new(self._current_raw, label.encode(), hashlib.sha256).digest()

    @property
    def current(self) -> str:
        return self._current

    def is_current(self, value: str) -> bool:
        """True when `value` is sealed under the key that encrypts now."""
        return value.startswith(f"{PREFIX}{self._current}:")

    def reseal(self, value: str, context: str) -> str:
        """The same secret under the current key (for `till keys rotate`)."""
        return self.encrypt(self.decrypt(value, context), context)

    def decrypt(self, value: str, context: str) -> str:
        if not value.startswith(PREFIX):
            raise DataKeyError("value is not encrypted")
        kid, _, body = value[len(PREFIX) :].partition(":")
        key = self._keys.get(kid)
        if key is None:
            raise DataKeyError(f"unknown data key {kid!r}")
        try:
            raw = base64.b64decode(body, validate=True)
            if len(raw) <= _NONCE:
                raise DataKeyError("value is truncated")
            plain = key.decrypt(raw[:_NONCE], raw[_NONCE:], context.encode())
        except (InvalidTag, binascii.Error, ValueError) as error:
            raise DataKeyError(f"value does not decrypt under key {kid!r}") from error
        return plain.decode()


def new_key_setting(kid: str | None = None) -> str:
    kid = kid or "k" + secrets.token_hex(4)
    return f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def key_file_setting(data_dir: Path) -> str:
    """The setting kept in `<data dir>/data-keys`, created once. Written to a
    temporary file and linked into place, so processes starting together agree on
    one key and a crash never leaves an empty file."""
    path = data_dir / "data-keys"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=data_dir, prefix=".data-keys.")
        try:
            with os.fdopen(fd, "w") as handle:
                handle.write(new_key_setting() + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.chmod(temporary, 0o600)
            # another process may have made it first: then use theirs
            with contextlib.suppress(FileExistsError):
                os.link(temporary, path)
        finally:
            os.unlink(temporary)
    setting = path.read_text().strip()
    if not setting:
        raise ValueError(f"{path} is empty: delete it or set TILL_DATA_KEYS")
    return setting
