"""The engine's connection arguments: the application name every connection
carries, and with TILL_DB_PGBOUNCER no statement cache and no named prepared
statement (PgBouncer < 1.21 in transaction mode would send a statement's
execution to another server than its preparation)."""

from till.platform.database import connect_args


def test_by_default_connections_only_name_themselves():
    assert connect_args("till", pgbouncer=False) == {
        "server_settings": {"application_name": "till"}
    }


def test_behind_pgbouncer_statements_are_unnamed_and_never_cached():
    args = connect_args("till-replica", pgbouncer=True, connect_timeout=2.0)
    assert args["server_settings"] == {"application_name": "till-replica"}
    assert (args["statement_cache_size"], args["prepared_statement_cache_size"]) == (
        0,
        0,
    )
    assert args["prepared_statement_name_func"]() == ""  # the unnamed statement
    assert args["timeout"] == 2.0
