"""The composition root (see `factory`); `till.app:create_app` is the ASGI
factory (`till.app:create_served_app` under `till serve`)."""

from till.app.data_keys import rotate_data_keys
from till.app.factory import create_app, create_served_app
from till.app.identity import retire_signing_keys, rotate_signing_key

__all__ = [
    "create_app",
    "create_served_app",
    "retire_signing_keys",
    "rotate_data_keys",
    "rotate_signing_key",
]
