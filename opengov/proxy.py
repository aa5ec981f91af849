"""Behind a reverse proxy: the client's address, scheme and host, believed from trusted proxies.

``OPENGOV_TRUSTED_PROXIES`` lists addresses and CIDR ranges (``127.0.0.1, 10.0.0.0/8, ::1``).
When a request's connection comes from one of them, the forwarding header chosen with
``OPENGOV_PROXY_HEADERS`` (``x-forwarded``: ``X-Forwarded-For`` / ``-Proto`` / ``-Host``, or
``forwarded``: RFC 7239 ``Forwarded``) is walked from the right, hop by hop, while each hop is
itself a trusted proxy; the first untrusted hop is the client. Whatever a client wrote further
left is never read, so a forged header buys nothing. The scheme and host are those the
outermost trusted proxy received (links and ``base_url`` follow them). Connections from any
other address keep their own address, scheme and ``Host``: their forwarding headers are ignored.

Only one header family is read: a proxy that sets ``X-Forwarded-For`` passes a client's own
``Forwarded`` header through untouched, so reading both would let a client speak for the proxy.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

HEADER_FAMILIES = ("x-forwarded", "forwarded")
TRUSTED_PEER = "opengov.trusted_peer"  # environ key: the connection came from a trusted proxy
ORIGINAL = "opengov.proxy.original"  # environ key: (REMOTE_ADDR, scheme, Host) before rewriting
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:[0-9]{1,5})?")
_SCHEMES = ("http", "https")
# RFC 7239 §4: forwarded-pair = token "=" ( token / quoted-string )
_PAIR = re.compile(r'\s*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)\s*=\s*'
                   r'("(?:[^"\\]|\\.)*"|[!#$%&\'*+.^_`|~0-9A-Za-z:\[\]-]*)\s*')


@dataclass(frozen=True)
class Hop:
    """One proxy's account of the connection it received: from whom, by which scheme, to
    which host (None where it says nothing)."""

    address: str | None
    proto: str | None = None
    host: str | None = None


def parse_networks(spec: str) -> tuple:
    """The networks of a comma/space separated list of addresses and CIDR ranges."""
    networks = []
    for part in re.split(r"[,\s]+", spec.strip()):
        if part:
            try:
                networks.append(ipaddress.ip_network(part, strict=False))
            except ValueError as exc:
                raise ValueError(f"OPENGOV_TRUSTED_PROXIES: {part!r} is not an address or "
                                 "CIDR range") from exc
    return tuple(networks)


def node_address(node: str) -> str | None:
    """The IP address in a forwarded node (``1.2.3.4``, ``1.2.3.4:80``, ``[::1]:80``, ``::1``),
    normalised; None for ``unknown``, obfuscated names and anything else."""
    node = node.strip()
    if node.startswith("["):
        node = node[1:].partition("]")[0]
    elif node.count(":") == 1:  # IPv4 with a port
        node = node.partition(":")[0]
    try:
        return str(ipaddress.ip_address(node))
    except ValueError:
        return None


def _split_list(value: str) -> list[str]:
    return [item.strip() for item in value.split(",")] if value.strip() else []


def parse_x_forwarded(for_: str, proto: str = "", host: str = "") -> list[Hop]:
    """Hops from ``X-Forwarded-For`` / ``-Proto`` / ``-Host``. The lists are aligned from the
    right (the proxy that appended the last address also wrote the last scheme and host); a hop
    left of the shorter scheme or host list takes its leftmost value, the one the innermost
    proxies passed on (a proxy usually sets one scheme and host instead of appending)."""
    addresses = _split_list(for_)
    protos, hosts = _split_list(proto), _split_list(host)

    def aligned(values: list[str], i: int) -> str | None:
        j = len(values) - (len(addresses) - i)
        return values[max(j, 0)] if values and j < len(values) else None

    return [Hop(node_address(a), aligned(protos, i), aligned(hosts, i))
            for i, a in enumerate(addresses)]


def _unquote(value: str) -> str:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        return re.sub(r"\\(.)", r"\1", value[1:-1])
    return value


def _split_unquoted(value: str, separator: str) -> list[str]:
    """Split ``value`` on ``separator`` where it is outside quoted strings (RFC 9110 §5.6.4)."""
    parts, current, quoted, escaped = [], [], False, False
    for ch in value:
        if escaped:
            escaped = False
        elif ch == "\\" and quoted:
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(ch)
    parts.append("".join(current))
    return parts


def parse_forwarded(value: str) -> list[Hop]:
    """Hops from RFC 7239 ``Forwarded`` elements; a malformed element becomes a hop without an
    address (the walk stops there)."""
    hops = []
    for element in _split_unquoted(value, ",") if value.strip() else []:
        pairs: dict[str, str] = {}
        for pair in _split_unquoted(element, ";"):
            if not pair.strip():
                continue
            match = _PAIR.fullmatch(pair)
            if match is None:
                pairs = {}
                break
            pairs.setdefault(match[1].lower(), _unquote(match[2]))
        hops.append(Hop(node_address(pairs["for"]) if "for" in pairs else None,
                        pairs.get("proto"), pairs.get("host")))
    return hops


class TrustedProxies:
    """Which peers are trusted proxies, and who the client is according to them."""

    def __init__(self, spec: str):
        self.networks = parse_networks(spec)

    def __bool__(self) -> bool:
        return bool(self.networks)

    def trusts(self, address: str | None) -> bool:
        """Whether ``address`` (text) lies in a trusted network."""
        if not address:
            return False
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False
        if ip.version == 6 and ip.ipv4_mapped:  # ::ffff:10.0.0.1 from a dual-stack socket
            ip = ip.ipv4_mapped
        return any(ip in network for network in self.networks)

    def client(self, peer: str, hops: list[Hop]) -> Hop | None:
        """The hop naming the client: walking ``hops`` from the right while the current
        address is trusted; None when ``peer`` is not trusted (or no hop applies)."""
        if not self.trusts(peer):
            return None
        chosen = None
        for hop in reversed(hops):
            if hop.address is None:  # unknown, obfuscated or malformed: the walk ends here
                break
            chosen = hop
            if not self.trusts(hop.address):
                break
        return chosen


class ProxyFix:
    """WSGI middleware: rewrite ``REMOTE_ADDR``, the URL scheme and ``Host`` from the hop that
    names the client, for connections from trusted proxies only."""

    def __init__(self, wsgi_app, trusted: TrustedProxies, family: str):
        self.wsgi_app, self.trusted, self.family = wsgi_app, trusted, family

    def hops(self, environ) -> list[Hop]:
        if self.family == "forwarded":
            return parse_forwarded(environ.get("HTTP_FORWARDED", ""))
        return parse_x_forwarded(environ.get("HTTP_X_FORWARDED_FOR", ""),
                                 environ.get("HTTP_X_FORWARDED_PROTO", ""),
                                 environ.get("HTTP_X_FORWARDED_HOST", ""))

    def __call__(self, environ, start_response):
        peer = environ.get("REMOTE_ADDR", "")
        if self.trusted.trusts(peer):
            environ[TRUSTED_PEER] = True
            hop = self.trusted.client(peer, self.hops(environ))
            if hop is not None:
                environ[ORIGINAL] = (peer, environ.get("wsgi.url_scheme"),
                                     environ.get("HTTP_HOST"))
                environ["REMOTE_ADDR"] = hop.address
                if hop.proto and hop.proto.lower() in _SCHEMES:
                    environ["wsgi.url_scheme"] = hop.proto.lower()
                if hop.host and _HOST.fullmatch(hop.host):
                    environ["HTTP_HOST"] = hop.host
        return self.wsgi_app(environ, start_response)


def install(app, settings) -> None:
    """Read forwarding headers from ``settings.trusted_proxies`` (nothing when empty)."""
    if settings.proxy_headers not in HEADER_FAMILIES:
        raise ValueError(f"OPENGOV_PROXY_HEADERS must be one of {', '.join(HEADER_FAMILIES)}, "
                         f"got {settings.proxy_headers!r}")
    trusted = TrustedProxies(settings.trusted_proxies)
    if trusted:
        app.wsgi_app = ProxyFix(app.wsgi_app, trusted, settings.proxy_headers)
