"""structlog JSON logs carrying the request id; secrets are scrubbed before
rendering so a careless `log.info(..., password=...)` cannot leak one."""

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

# A key is secret when one of its `_`/`-` separated words is one of these (so
# `new_password` and `card_number` are, `company` and `span_id` are not).
_SECRET_WORDS = frozenset(
    {"password", "passwd", "pass", "secret", "token", "authorization", "cookie"}
    | {"apikey", "card", "pan", "cvc", "cvv", "otp", "iban"}
)
_SECRET_KEYS = frozenset({"api_key", "key", "code", "recovery_codes", "number"})
_WORD = re.compile(r"[_\-]+")
# 13-19 digit runs (spaces or dashes between digits) look like card numbers
# (PAN), Luhn-valid or not (a mistyped number is one digit from the real one).
# Runs inside a token of letters and digits (a hex request id) are not PANs.
_PAN = re.compile(r"(?<![0-9A-Za-z])\d(?:[ -]?\d){12,18}(?![0-9A-Za-z])")


_KEEP = frozenset({"level", "timestamp", "logger"})


def _is_secret_key(key: str) -> bool:
    lowered = key.lower()
    return lowered in _SECRET_KEYS or not _SECRET_WORDS.isdisjoint(_WORD.split(lowered))


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _PAN.sub("[redacted-pan]", value)
    if isinstance(value, dict):
        return {
            k: "[redacted]" if _is_secret_key(str(k)) else _clean(v)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def scrub(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """Redact values under secret-looking keys and mask card numbers anywhere,
    the message included, recursing into dicts and lists."""
    for key, value in list(event.items()):
        if key in _KEEP:
            continue
        if key not in ("event", "request_id") and _is_secret_key(key):
            event[key] = "[redacted]"
        else:
            event[key] = _clean(value)
    return event


class _CurrentStdout:
    """Writes to whatever `sys.stdout` is at the time of writing: loggers are
    cached on first use, and a stream captured then may be gone later (a
    redirected or captured stdout, as in tests)."""

    def write(self, text: str) -> int:
        return sys.stdout.write(text)

    def flush(self) -> None:
        sys.stdout.flush()


def configure_logging(level: str = "info") -> None:
    numeric = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    logging.basicConfig(format="%(message)s", stream=sys.stdout, level=numeric)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            # Render tracebacks first, so scrub also masks what they contain.
            structlog.processors.format_exc_info,
            scrub,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStdout()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )
