"""Base classes for request and response bodies, and their OpenAPI examples.

Examples live on the models (`json_schema_extra={"examples": [...]}`, JSON
Schema's own keyword, which OpenAPI 3.1 adopts): written once per shape, shown
on every operation that uses it, and checked against the schema by the tests."""

from typing import Any, Generic, TypeVar, get_args

from pydantic import BaseModel, ConfigDict

from till.platform.example_registry import keep

T = TypeVar("T")


def examples(*values: dict[str, Any]) -> ConfigDict:
    """The `model_config` entry that gives a model its examples."""
    return ConfigDict(json_schema_extra={"examples": [keep(v) for v in values]})


def examples_of(model: object) -> list[Any]:
    """The examples a model declares (none for anything else)."""
    config = getattr(model, "model_config", None) or {}
    extra = config.get("json_schema_extra")
    return list(extra.get("examples", [])) if isinstance(extra, dict) else []


class StrictRequest(BaseModel):
    """Request bodies: unknown fields → 422, no coercion ("10" is not 10)."""

    model_config = ConfigDict(strict=True, extra="forbid")


class Response(BaseModel):
    model_config = ConfigDict(from_attributes=True)


def _list_example(schema: dict[str, Any], cls: type[BaseModel]) -> None:
    """`ListOf[X]`'s example is a page holding X's first example."""
    (item,) = get_args(cls.model_fields["data"].annotation) or (None,)
    found = examples_of(item)
    if found:
        page = {"object": "list", "data": found[:1], "has_more": False}
        schema["examples"] = [keep(page)]


class ListOf(BaseModel, Generic[T]):
    """A cursor page: `{"data": [...], "has_more": bool}`, newest first."""

    model_config = ConfigDict(json_schema_extra=_list_example)

    object: str = "list"
    data: list[T]
    has_more: bool
