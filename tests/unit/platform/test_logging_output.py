"""What reaches stdout: the configured chain scrubs tracebacks as well."""

import structlog

from till.platform.logging import configure_logging

PAN = "4242424242424242"


def test_a_card_number_inside_an_exception_never_reaches_the_log(capsys):
    configure_logging("info")
    log = structlog.get_logger("test")
    try:
        raise ValueError(f"gateway said no to {PAN}")
    except ValueError as error:
        log.error("payment_failed", exc_info=error)
    out = capsys.readouterr().out
    assert "payment_failed" in out and "ValueError" in out
    assert PAN not in out and "[redacted-pan]" in out


def test_secret_fields_are_redacted_in_the_output(capsys):
    configure_logging("info")
    secret = "hunter2hunter2"  # pragma: allowlist secret
    structlog.get_logger("test").info("login", password=secret, user="u1")
    out = capsys.readouterr().out
    assert "hunter2hunter2" not in out and '"user": "u1"' in out


def test_digit_runs_that_are_not_card_numbers_stay_readable(capsys):
    configure_logging("info")
    request_id = "f18c1234567890123f6b0d0e801328d"  # 13 digits inside hex
    structlog.get_logger("test").info("request", request_id=request_id, pan=None)
    structlog.get_logger("test").info(f"paid with 4242 4242 4242 4242 ({request_id})")
    out = capsys.readouterr().out
    assert out.count(request_id) == 2 and "4242 4242" not in out
