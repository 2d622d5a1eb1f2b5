"""The bundled PostgreSQL (pgserver) used when no DATABASE_URL is set, so
`make serve` needs no server installed. Data lives under `<data_dir>/postgres`."""

from pathlib import Path
from typing import Any

from till.platform.settings import async_database_url


def start_embedded_postgres(data_dir: Path) -> tuple[str, Any]:
    """Start (or join) the bundled server; returns an asyncpg URL and the handle
    that keeps it alive. pgserver stops it when the last user exits."""
    import pgserver  # heavy import, only on the embedded path

    pgdata = (data_dir / "postgres").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(pgdata, cleanup_mode="stop")
    return async_database_url(server.get_uri()), server
