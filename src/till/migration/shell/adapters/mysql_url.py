"""LEGACY_DATABASE_URL, `mysql://user@host:3306/database` (a password goes
after `user:`), → aiomysql's connect arguments. `mariadb://` works too."""

from typing import Any
from urllib.parse import unquote, urlsplit

_SCHEMES = ("mysql", "mariadb", "mysql+aiomysql")


def mysql_connect_args(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if parts.scheme not in _SCHEMES:
        raise ValueError(
            f"LEGACY_DATABASE_URL must be mysql://…, not {parts.scheme}://"
        )
    database = parts.path.lstrip("/")
    if not database or "/" in database:
        raise ValueError("LEGACY_DATABASE_URL must name one database: mysql://host/db")
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 3306,
        "user": unquote(parts.username or "root"),
        "password": unquote(parts.password or ""),
        "db": unquote(database),
    }
