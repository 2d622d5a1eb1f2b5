"""Webhook URLs may not point at this host or a private network (SSRF)."""

import pytest

from till.kernel.errors import ValidationFailed
from till.payments.core.webhook_targets import parse_target, require_public


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "::1",
        "10.1.2.3",
        "192.168.0.5",
        "169.254.169.254",
        "172.16.0.1",
        "::ffff:127.0.0.1",
        "fd00::1",
        "0.0.0.0",  # noqa: S104 (a refused target, not a binding)
    ],
)
def test_internal_addresses_are_refused(address):
    with pytest.raises(ValidationFailed) as error:
        require_public([address], allow_private=False)
    assert error.value.param == "url"


def test_public_addresses_pass_and_private_ones_when_allowed():
    require_public(["93.184.216.34", "2606:2800:220:1::"], allow_private=False)
    require_public(["127.0.0.1"], allow_private=True)
    with pytest.raises(ValidationFailed):  # one bad address is enough
        require_public(["93.184.216.34", "10.0.0.1"], allow_private=False)


@pytest.mark.parametrize(
    "url", ["ftp://example.com/x", "https://", "https://u:p@example.com/", "x"]
)
def test_only_plain_http_urls_are_targets(url):
    with pytest.raises(ValidationFailed):
        parse_target(url)


def test_the_port_defaults_by_scheme():
    assert parse_target("https://example.com/hooks") == ("example.com", 443)
    assert parse_target("http://127.0.0.1:8080/h") == ("127.0.0.1", 8080)
