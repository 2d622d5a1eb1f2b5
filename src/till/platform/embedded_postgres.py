"""The bundled PostgreSQL (pgserver) used when no DATABASE_URL is set, so
`make serve` needs no server installed. Data lives under `<data_dir>/postgres`."""

import json
import os
from pathlib import Path
from typing import Any

from till.platform.settings import async_database_url


def start_embedded_postgres(data_dir: Path) -> tuple[str, Any]:
    """Start (or join) the bundled server; returns an asyncpg URL and the handle
    that keeps it alive. pgserver stops it when the last user exits."""
    from pgserver.postgres_server import get_server  # heavy: embedded path only

    pgdata = (data_dir / "postgres").resolve()
    pgdata.mkdir(parents=True, exist_ok=True)
    _forget_dead_handles(pgdata / ".handle_pids.json")
    server = get_server(pgdata, cleanup_mode="stop")
    return async_database_url(server.get_uri()), server


def _forget_dead_handles(handles: Path) -> None:
    """pgserver stops the server when its last user exits, counting users in this
    file; a user killed without cleanup would keep the server up forever."""
    if not handles.exists():
        return
    try:
        pids = json.loads(handles.read_text())
    except (OSError, ValueError):
        return
    handles.write_text(json.dumps([pid for pid in pids if _alive(pid)]))


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
