"""The InfraSettings a till process would build from a deployment file's
environment alone: the variables that name one of its fields, validated by
its own checks (a drain shorter than the grace period, a session URL with
TILL_DB_PGBOUNCER, ...), with nothing read from the test's environment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic_settings import BaseSettings, PydanticBaseSettingsSource

from till.platform.settings import InfraSettings


class _FromTheFileOnly(InfraSettings):
    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)


def settings_of(variables: Mapping[str, Any]) -> InfraSettings:
    """Raises pydantic's ValidationError where till would refuse to start."""
    fields = InfraSettings.model_fields
    known = {n.lower(): v for n, v in variables.items() if n.lower() in fields}
    return _FromTheFileOnly(**known)
