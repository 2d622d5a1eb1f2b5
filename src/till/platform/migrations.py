"""Run the Alembic migrations programmatically (`till migrate`, tests, serve)."""

import asyncio
from pathlib import Path

from alembic import command
from alembic.config import Config


def _project_file(name: str) -> Path:
    """alembic.ini and migrations/ sit at the project root (and in the image's
    working directory); look beside the source tree first, then in the cwd."""
    beside_source = Path(__file__).resolve().parents[3] / name
    return beside_source if beside_source.exists() else Path.cwd() / name


def upgrade_to_head(database_url: str) -> None:
    config = Config(str(_project_file("alembic.ini")))
    config.set_main_option("script_location", str(_project_file("migrations")))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    command.upgrade(config, "head")


async def upgrade_to_head_async(database_url: str) -> None:
    # env.py runs its own event loop, so it needs a thread of its own.
    await asyncio.to_thread(upgrade_to_head, database_url)
