"""Where a webhook may be sent: never to this host or a private network unless
the operator allows it (`WEBHOOK_ALLOW_PRIVATE_URLS`), or a webhook becomes a
way to reach internal services (SSRF). Pure: the shell resolves the host and
asks about every address it resolves to."""

import ipaddress
from urllib.parse import urlsplit

from till.kernel.errors import ValidationFailed


def parse_target(url: str) -> tuple[str, int]:
    """Host and port of an http(s) URL with a host and no credentials."""
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ValidationFailed("url must be an http(s) URL with a host", param="url")
    if parts.username or parts.password:
        raise ValidationFailed("url must not carry credentials", param="url")
    return parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)


def address_allowed(address: str, allow_private: bool) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if allow_private:
        return not (ip.is_multicast or ip.is_unspecified)
    return ip.is_global and not (ip.is_multicast or ip.is_reserved)


def require_public(addresses: list[str], allow_private: bool) -> None:
    if not addresses:
        raise ValidationFailed("url's host does not resolve", param="url")
    for address in addresses:
        if not address_allowed(address, allow_private):
            raise ValidationFailed(
                "url resolves to a loopback, link-local or private address",
                param="url",
            )
