import pytest

from till.platform.settings import LegacySettings


def test_legacy_settings_read_the_legacy_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LEGACY_BASE_URL", "http://legacy.internal:8080")
    monkeypatch.setenv("LEGACY_API_TOKEN", "dev-token")  # pragma: allowlist secret
    monkeypatch.setenv("LEGACY_DATABASE_URL", "mysql://root@127.0.0.1:3306/legacy")
    monkeypatch.setenv("LEGACY_TZ", "Europe/Lisbon")
    settings = LegacySettings()
    assert settings.base_url == "http://legacy.internal:8080"
    assert settings.api_token is not None
    assert (
        settings.api_token.get_secret_value() == "dev-token"
    )  # pragma: allowlist secret
    assert "dev-token" not in repr(settings)
    assert settings.tz == "Europe/Lisbon"


def test_the_shops_zone_defaults_to_berlin_and_must_exist() -> None:
    assert LegacySettings().tz == "Europe/Berlin"
    with pytest.raises(ValueError, match="LEGACY_TZ"):
        LegacySettings(tz="Mars/Olympus")
