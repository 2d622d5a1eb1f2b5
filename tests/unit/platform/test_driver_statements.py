"""Named parameters become asyncpg's numbered ones; casts are left alone."""

from till.platform.driver_statements import Statement, row


def test_names_are_numbered_in_order_and_reused():
    statement = Statement.of(
        "SELECT metadata::text FROM t WHERE a = :a AND b = CAST(:b AS jsonb) OR c = :a"
    )
    assert statement.sql == (
        "SELECT metadata::text FROM t WHERE a = $1 AND b = CAST($2 AS jsonb) OR c = $1"
    )
    assert statement.args({"b": 2, "a": 1, "unused": 3}) == [1, 2]


def test_a_record_reads_like_a_row():
    assert row({"id": "pay_1"}).id == "pay_1" and row(None) is None


def test_parameters_inside_literals_or_numbered_ones_are_refused():
    import pytest

    assert Statement.of("SELECT 'done', ':' FROM t WHERE a = :a").names == ("a",)
    for sql in ("SELECT ':c' FROM t", "SELECT $1, :a"):
        with pytest.raises(ValueError):
            Statement.of(sql)
