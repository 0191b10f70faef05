"""The address of the person behind a request, in one place (axes, throttles, chat).

X-Forwarded-For is believed only when the request arrived from one of TRUSTED_PROXIES
(addresses or CIDR ranges, by default the local Nginx on 127.0.0.1 and ::1). Walking the
header from the right, every trusted hop is skipped and the first untrusted address is the
client: anything further left was written by the client itself and proves nothing.
"""

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    value = value.strip()
    if value.startswith("[") and "]" in value:  # [v6]:port
        value = value[1 : value.index("]")]
    elif value.count(":") == 1:  # v4:port
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str:
    """The client's address as text; never empty (an unparsable peer counts as one client)."""
    peer = _parse(request.META.get("REMOTE_ADDR", "") or "")
    if peer is None:
        return "0.0.0.0"
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not _trusted(peer, networks):
        return str(peer)
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            # A malformed hop: nothing left of it can be trusted; the last good one is the client.
            break
        peer = address
        if not _trusted(address, networks):
            break
    return str(peer)


def login_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username django-axes records, cut to fit its column (a long one is no name)."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value)[:150]
