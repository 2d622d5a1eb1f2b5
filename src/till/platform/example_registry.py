"""The examples of the OpenAPI document, kept as written.

FastAPI encodes the document it generates with `exclude_none=True`, which
drops every null from it, examples included (fastapi/fastapi#5559): a payment
example would lose `"failure": null`, an order `"payment_id": null`, though the
API sends them. So every example is registered here when it is declared, and
`restore` puts the original back in place of its stripped copy (with the key
order it was written in: pydantic sorts example keys)."""

from typing import Any

import orjson

_ORIGINALS: dict[bytes, Any] = {}
_AMBIGUOUS = object()


def _stripped(value: Any) -> Any:
    """What FastAPI's encoder leaves of `value`."""
    if isinstance(value, dict):
        return {k: _stripped(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [_stripped(v) for v in value]
    return value


def _key(value: Any) -> bytes:
    return orjson.dumps(_stripped(value), option=orjson.OPT_SORT_KEYS)


def keep(value: Any) -> Any:
    """Register an example as written; returns it."""
    key = _key(value)
    known = _ORIGINALS.setdefault(key, value)
    if known is not _AMBIGUOUS and orjson.dumps(known) != orjson.dumps(value):
        _ORIGINALS[key] = _AMBIGUOUS  # two originals strip alike: leave both
    return value


def _original(value: Any) -> Any:
    found = _ORIGINALS.get(_key(value), _AMBIGUOUS)
    return value if found is _AMBIGUOUS else found


def restore(node: Any) -> None:
    """Put back the registered original of every example inside `node`."""
    if isinstance(node, list):
        for item in node:
            restore(item)
        return
    if not isinstance(node, dict):
        return
    if "example" in node:
        node["example"] = _original(node["example"])
    examples = node.get("examples")
    if isinstance(examples, list):
        node["examples"] = [_original(e) for e in examples]
    elif isinstance(examples, dict):
        for named in examples.values():
            if isinstance(named, dict) and "value" in named:
                named["value"] = _original(named["value"])
    for key, value in node.items():
        if key not in ("example", "examples"):
            restore(value)
