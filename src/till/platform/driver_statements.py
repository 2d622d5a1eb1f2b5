"""Named-parameter SQL run on the asyncpg driver directly, for the hot paths.

SQLAlchemy's per-statement work (compiled-cache lookup, parameter processing,
the greenlet hop) was a fifth of a payment's CPU in the profile; asyncpg's own
prepared-statement cache does what the hot statements need. The SQL keeps
`:name` parameters (one text for both paths); `Statement` numbers them."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import asyncpg  # type: ignore[import-untyped]

# The driver's duplicate-key error (a lost optimistic-concurrency race).
UniqueViolation: type[Exception] = asyncpg.UniqueViolationError

_NAME = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_LITERAL = re.compile(r"'[^']*'")  # in order, so each match is one literal
_NUMBERED = re.compile(r"\$\d")


@dataclass(frozen=True, slots=True)
class Statement:
    sql: str  # with $1, $2, ...
    names: tuple[str, ...]

    @classmethod
    def of(cls, named_sql: str) -> "Statement":
        literals = (m.group() for m in _LITERAL.finditer(named_sql))
        if any(_NAME.search(text) for text in literals) or _NUMBERED.search(named_sql):
            # a `:word` inside a literal would be taken for a parameter
            raise ValueError("bind values with a `:` (and no `$n`) as parameters")
        names: list[str] = []

        def number(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in names:
                names.append(name)
            return f"${names.index(name) + 1}"

        return cls(_NAME.sub(number, named_sql), tuple(names))

    def args(self, params: Mapping[str, Any]) -> list[Any]:
        return [params[name] for name in self.names]


def row(record: Mapping[str, Any] | None) -> Any:
    """A driver record with attribute access, like SQLAlchemy's rows."""
    return None if record is None else SimpleNamespace(**record)
