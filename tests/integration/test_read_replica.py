"""DATABASE_REPLICA_URL against a real streaming replica of the local
PostgreSQL: with the replica's replay paused, the lists (served by it) lag,
while reads by id, the cached first page and every command (the primary) see
the new payment and order at once; resumed, the lists catch up. Then the
replica goes away and the lists are served by the primary."""

import asyncio
from collections.abc import Iterator

import pytest
from prometheus_client import REGISTRY

from tests.integration.orders.flows import create as create_order
from tests.integration.payments.flows import card, key, pay, user
from tests.integration.postgres_processes import Replica, psql, streaming_replica


@pytest.fixture(scope="module")
def replica() -> Iterator[Replica]:
    with streaming_replica() as running:
        yield running


def _replica_url(database_url: str, port: int) -> str:
    return database_url.replace("127.0.0.1:5432", f"127.0.0.1:{port}")


@pytest.fixture
def infra(infra, database_url, replica):
    return infra.model_copy(
        update={"database_replica_url": _replica_url(database_url, replica.port)}
    )


def _ids(response) -> list[str]:
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()["data"]]


def _fallbacks() -> float:
    return REGISTRY.get_sample_value("till_db_replica_fallbacks_total") or 0.0


async def _until_listed(client, path: str, auth: dict, wanted: str) -> None:
    for _ in range(100):
        if wanted in _ids(await client.get(path, headers=auth)):
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{wanted} never listed by {path}")


async def test_lists_read_the_replica_and_everything_else_the_primary(
    client, replica, database_url
):
    _, auth = await user(client)
    method = await card(client, auth)
    await pay(client, auth, payment_method=method)
    assert _ids(await client.get("/v1/payments?limit=10", headers=auth))
    on_replica = psql(
        replica.port,
        "SELECT string_agg(DISTINCT application_name, ',') FROM pg_stat_activity "
        "WHERE datname = current_database() AND pid <> pg_backend_pid()",
        database=database_url.rsplit("/", 1)[1],
    )
    assert on_replica == "till-replica"  # no command or by-id read went there

    psql(replica.port, "SELECT pg_wal_replay_pause()")
    try:
        payment = await pay(client, auth, payment_method=method)
        order = await create_order(client, auth)
        # The lists (the replica) do not have them yet ...
        assert payment["id"] not in _ids(
            await client.get("/v1/payments?limit=10", headers=auth)
        )
        assert order["id"] not in _ids(await client.get("/v1/orders", headers=auth))
        # ... reads by id and the cached first page (the primary) do, and a
        # command on the new payment goes through.
        by_id = await client.get(f"/v1/payments/{payment['id']}", headers=auth)
        assert by_id.status_code == 200
        assert (await client.get(f"/v1/orders/{order['id']}", headers=auth)).is_success
        confirmed = await client.post(
            f"/v1/payments/{payment['id']}/confirm", json={}, headers=auth | key()
        )
        assert confirmed.json()["status"] == "completed", confirmed.text
        assert payment["id"] in _ids(await client.get("/v1/payments", headers=auth))
    finally:
        psql(replica.port, "SELECT pg_wal_replay_resume()")
    await _until_listed(client, "/v1/payments?limit=10", auth, payment["id"])
    await _until_listed(client, "/v1/orders", auth, order["id"])

    replica.stop()  # its pooled connections die with it
    before = _fallbacks()
    later = await pay(client, auth, payment_method=method)
    assert later["id"] in _ids(await client.get("/v1/payments?limit=10", headers=auth))
    assert _fallbacks() > before
    assert (await client.get("/readyz")).status_code == 200
