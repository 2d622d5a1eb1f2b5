import pytest
from sqlalchemy.ext.asyncio import create_async_engine


@pytest.fixture
async def engine(database_url):
    """An engine on the run's database (the payments adapters take connections)."""
    made = create_async_engine(database_url)
    yield made
    await made.dispose()
