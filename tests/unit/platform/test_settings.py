import pytest

from till.platform.settings import async_database_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u:p@db:5432/till", "postgresql+asyncpg://u:p@db:5432/till"),
        ("postgres://u@db/till", "postgresql+asyncpg://u@db/till"),
        ("postgresql+asyncpg://u@db/till", "postgresql+asyncpg://u@db/till"),
    ],
)
def test_postgres_urls_are_given_the_asyncpg_driver(url, expected):
    assert async_database_url(url) == expected


def test_url_with_another_explicit_driver_is_left_alone():
    url = "postgresql+psycopg://u@db/till"
    assert async_database_url(url) == url


def test_only_the_scheme_is_rewritten_not_a_look_alike_later_in_the_url():
    url = "postgresql://u@db/till?options=postgres://x"
    assert (
        async_database_url(url) == "postgresql+asyncpg://u@db/till?options=postgres://x"
    )
