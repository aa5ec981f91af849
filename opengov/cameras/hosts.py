"""Which snapshot URLs may be fetched: an allow-list of hosts, never internal addresses.

An allow-list entry is ``host`` (the scheme's default port) or ``host:port``. A host *name* on the
list must resolve only to public addresses (no loopback, private, link-local, multicast or
reserved ranges), so a listed name that points inside the network is refused; an IP address on
the list is the operator's explicit choice and is allowed as written (cameras on a private
network are listed by address). The address a connection actually reached is checked again
after connecting (:func:`peer_allowed`), which closes the DNS-rebinding gap between the check
and the connection.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

DEFAULT_PORTS = {"http": 80, "https": 443}


class HostRefused(ValueError):
    """The URL is not one we may fetch (reason in the message, safe to show)."""


@dataclass(frozen=True)
class Target:
    """A vetted URL: where it points and which addresses a connection may reach."""

    url: str
    host: str
    port: int
    addresses: frozenset[str]


def _ip(text: str):
    try:
        return ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return None


_ENTRY = re.compile(r"^(?P<host>[a-z0-9.-]+|\[[0-9a-f:.]+\])(?::(?P<port>\d{1,5}))?$")


def parse_allow_list(text: str) -> frozenset[tuple[str, int | None]]:
    """``"a.example, 10.0.0.5:8080"`` → ``{("a.example", None), ("10.0.0.5", 8080)}``;
    ValueError for an entry that is not ``host`` or ``host:port``."""
    entries = set()
    for raw in text.split(","):
        raw = raw.strip().lower()
        if not raw:
            continue
        bare_ip = _ip(raw)
        if bare_ip is not None:
            entries.add((str(bare_ip), None))
            continue
        match = _ENTRY.match(raw)
        if match is None or (match["port"] and not 0 < int(match["port"]) < 65536):
            raise ValueError(f"camera snapshot host {raw!r} is not `host` or `host:port`")
        host = match["host"].strip("[]")
        ip = _ip(host)
        entries.add((str(ip) if ip else host, int(match["port"]) if match["port"] else None))
    return frozenset(entries)


def _listed(allow: frozenset[tuple[str, int | None]], host: str, port: int,
            default_port: int) -> bool:
    return (host, port) in allow or (port == default_port and (host, None) in allow)


def _resolve(host: str, port: int) -> set[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise HostRefused(f"cannot resolve {host}") from exc
    return {info[4][0] for info in infos}


def listed(url: str, allow: frozenset[tuple[str, int | None]]) -> tuple[str, int]:
    """``(host, port)`` of ``url`` if it is an http(s) URL on the allow-list (no DNS lookup),
    else :class:`HostRefused`."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise HostRefused("the snapshot URL is malformed") from exc
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        raise HostRefused("the snapshot URL is not an http(s) URL")
    if parts.username or parts.password:
        raise HostRefused("the snapshot URL carries credentials")
    host = parts.hostname.lower()
    ip = _ip(host)
    host = str(ip) if ip is not None else host
    default_port = DEFAULT_PORTS[parts.scheme]
    port = port or default_port
    if not _listed(allow, host, port, default_port):
        raise HostRefused(f"{host}:{port} is not on the camera snapshot host allow-list")
    return host, port


def vet(url: str, allow: frozenset[tuple[str, int | None]]) -> Target:
    """The :class:`Target` of ``url``, or :class:`HostRefused` (nothing is sent for a refusal)."""
    host, port = listed(url, allow)
    literal = _ip(host)
    if literal is not None:
        return Target(url, host, port, frozenset({str(literal)}))
    addresses = _resolve(host, port)
    if any(not ipaddress.ip_address(a.split("%")[0]).is_global for a in addresses):
        raise HostRefused(f"{host} resolves to a non-public address")
    return Target(url, host, port, frozenset(addresses))


def peer_allowed(target: Target, peer: str) -> bool:
    """Whether the address a connection reached is one :func:`vet` accepted."""
    ip = _ip(peer.split("%")[0])
    return ip is not None and str(ip) in {str(_ip(a.split("%")[0])) for a in target.addresses}
