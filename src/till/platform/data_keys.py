"""Encryption at rest for small secrets (TOTP seeds, JWT private keys): AES-256-GCM
under named keys. The first key encrypts; every key decrypts, so a new key can be
put in front without breaking what the old ones wrote. Each value carries its key
id, and a context string (e.g. `totp:<user id>`) is bound as associated data, so
a ciphertext copied to another row does not decrypt.

Keys come from TILL_DATA_KEYS (`kid:base64-32-bytes,kid2:...`); without it, one key
is generated into `<data dir>/data-keys` (mode 0600) for single-machine use.
"""

import base64
import os
import secrets
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

    @classmethod
    def from_setting(cls, value: str) -> "DataKeyring":
        keys: dict[str, bytes] = {}
        for item in (part.strip() for part in value.split(",") if part.strip()):
            kid, _, encoded = item.partition(":")
            if not kid or not encoded:
                raise ValueError("TILL_DATA_KEYS entries look like kid:base64key")
            keys[kid] = base64.b64decode(encoded)
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

    def decrypt(self, value: str, context: str) -> str:
        if not value.startswith(PREFIX):
            return value  # written before encryption at rest existed
        kid, _, body = value[len(PREFIX) :].partition(":")
        key = self._keys.get(kid)
        if key is None:
            raise DataKeyError(f"unknown data key {kid!r}")
        raw = base64.b64decode(body)
        try:
            return key.decrypt(raw[:_NONCE], raw[_NONCE:], context.encode()).decode()
        except InvalidTag as error:
            raise DataKeyError("value does not decrypt under its key") from error


def new_key_setting(kid: str = "k1") -> str:
    return f"{kid}:{base64.b64encode(secrets.token_bytes(32)).decode()}"


def key_file_setting(data_dir: Path) -> str:
    """The setting kept in `<data dir>/data-keys`, created on first use."""
    path = data_dir / "data-keys"
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(new_key_setting() + "\n")
    return path.read_text().strip()
