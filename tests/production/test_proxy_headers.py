"""Forwarding headers: the parsers (property-based, hypothesis) and who the client is.

The client is named by the rightmost hop that is not a trusted proxy; what a client writes
further left never counts, and a connection from an untrusted peer keeps its own address.
"""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from opengov.proxy import (
    Hop,
    TrustedProxies,
    node_address,
    parse_forwarded,
    parse_networks,
    parse_x_forwarded,
)

ipv4 = st.ip_addresses(v=4).map(str)
ipv6 = st.ip_addresses(v=6).map(str)
addresses = st.one_of(ipv4, ipv6)
ports = st.integers(0, 65535)
junk = st.text(st.characters(codec="latin-1", exclude_characters=',"'), max_size=30)


def xff_node(address: str, port: int | None) -> str:
    """How proxies write an address in X-Forwarded-For (sometimes with a port)."""
    if port is None:
        return address
    return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"


def forwarded_node(address: str, port: int | None) -> str:
    """RFC 7239 §6: IPv6 (and any port) quoted, in brackets."""
    if ":" in address:
        return f'"[{address}]{f":{port}" if port is not None else ""}"'
    return f'"{address}:{port}"' if port is not None else address


@given(st.lists(st.tuples(addresses, st.none() | ports), max_size=8))
def test_x_forwarded_for_gives_back_every_address_in_order(nodes):
    header = ", ".join(xff_node(a, p) for a, p in nodes)
    assert [h.address for h in parse_x_forwarded(header)] == [
        str(ipaddress.ip_address(a)) for a, _ in nodes]


@given(st.lists(st.tuples(addresses, st.none() | ports, st.sampled_from(["http", "https"]),
                          st.from_regex(r"[a-z0-9.-]{1,20}(:[0-9]{1,5})?", fullmatch=True)),
                min_size=1, max_size=6))
def test_forwarded_elements_keep_their_address_scheme_and_host(elements):
    header = ", ".join(f'for={forwarded_node(a, p)};proto={proto};host="{host}";by=_hidden'
                       for a, p, proto, host in elements)
    assert parse_forwarded(header) == [Hop(str(ipaddress.ip_address(a)), proto, host)
                                       for a, _, proto, host in elements]


@given(junk)
def test_any_header_parses_without_error_and_junk_names_no_address(text):
    for hop in parse_x_forwarded(text, text, text) + parse_forwarded(text):
        assert hop.address is None or ipaddress.ip_address(hop.address)
    if node_address(text) is not None:  # only real addresses come out
        ipaddress.ip_address(node_address(text))


@given(st.lists(addresses, max_size=6), addresses, st.lists(ipv4, min_size=1, max_size=3))
def test_the_client_is_the_rightmost_untrusted_hop(forged, client, proxies):
    """Whatever a client writes to the left, a chain of trusted proxies names it."""
    trusted = TrustedProxies(",".join(proxies))
    if trusted.trusts(client):
        return  # a client inside the proxies' own networks is a proxy
    chain = [*forged, client, *proxies[:-1]]  # the last proxy is the peer
    hop = trusted.client(proxies[-1], parse_x_forwarded(", ".join(chain)))
    assert hop is not None and hop.address == str(ipaddress.ip_address(client))


@given(st.lists(addresses, min_size=1, max_size=6), ipv4)
def test_an_untrusted_peer_is_never_overridden(chain, peer):
    trusted = TrustedProxies("10.0.0.0/8" if not peer.startswith("10.") else "192.0.2.1")
    assert trusted.client(peer, parse_x_forwarded(", ".join(chain))) is None


def test_forwarded_syntax_of_rfc_7239_examples():
    # RFC 7239 §4 and §7.1 examples.
    assert parse_forwarded('For="[2001:db8:cafe::17]:4711"') == [Hop("2001:db8:cafe::17")]
    assert parse_forwarded("for=192.0.2.60;proto=http;by=203.0.113.43") == [
        Hop("192.0.2.60", "http")]
    assert [h.address for h in parse_forwarded("for=192.0.2.43, for=198.51.100.17")] == [
        "192.0.2.43", "198.51.100.17"]
    assert parse_forwarded("for=unknown")[0].address is None
    assert parse_forwarded("for=_gazonk")[0].address is None
    assert parse_forwarded('for="a;b,c", for=192.0.2.1') == [Hop(None), Hop("192.0.2.1")]
    assert parse_forwarded("for=192.0.2.1;nonsense")[0].address is None  # malformed pair


def test_the_walk_stops_at_an_unknown_hop():
    trusted = TrustedProxies("10.0.0.1, 10.0.0.2")
    hops = parse_x_forwarded("203.0.113.9, unknown, 10.0.0.2")
    assert trusted.client("10.0.0.1", hops) == Hop("10.0.0.2")  # nothing beyond "unknown"


def test_a_bad_trusted_proxies_setting_is_refused(empty_app_factory):
    with pytest.raises(ValueError, match="not an address"):
        parse_networks("10.0.0.0/8, proxy.example")
    assert len(parse_networks("10.0.0.0/8 ::1,127.0.0.1")) == 3
    with pytest.raises(ValueError, match="OPENGOV_PROXY_HEADERS"):
        empty_app_factory(proxy_headers="x-real-ip")


def test_an_ipv4_mapped_peer_is_the_ipv4_proxy():
    assert TrustedProxies("10.0.0.0/8").trusts("::ffff:10.1.2.3")
    assert not TrustedProxies("10.0.0.0/8").trusts("::ffff:192.0.2.1")


# -- through a real application ----------------------------------------------------------------
@pytest.fixture
def behind_proxy(empty_app_factory):
    return empty_app_factory(trusted_proxies="10.0.0.0/8", access_log="off")


def test_a_trusted_proxys_headers_give_the_links_scheme_and_host(behind_proxy):
    api = behind_proxy.test_client()
    headers = {"X-Forwarded-For": "198.51.100.7, 10.1.1.1", "X-Forwarded-Proto": "https",
               "X-Forwarded-Host": "data.example.gov"}
    landing = api.get("/", headers=headers, environ_base={"REMOTE_ADDR": "10.0.0.5"}).get_json()
    assert all(link["href"].startswith("https://data.example.gov/") for link in landing["links"])
    direct = api.get("/", headers=headers, environ_base={"REMOTE_ADDR": "198.51.100.20"})
    assert all(link["href"].startswith("http://localhost/")
               for link in direct.get_json()["links"])  # an untrusted sender's headers: ignored


def test_forwarded_family_is_read_only_when_chosen(empty_app_factory):
    app = empty_app_factory(trusted_proxies="10.0.0.5", proxy_headers="forwarded",
                            access_log="off")
    api = app.test_client()
    peer = {"REMOTE_ADDR": "10.0.0.5"}
    chosen = api.get("/", headers={"Forwarded": 'for=198.51.100.7;proto=https;host="a.example"'},
                     environ_base=peer).get_json()
    assert chosen["links"][0]["href"].startswith("https://a.example/")
    other = api.get("/", headers={"X-Forwarded-Proto": "https",
                                  "X-Forwarded-Host": "b.example"}, environ_base=peer)
    assert other.get_json()["links"][0]["href"].startswith("http://localhost/")
