"""The snapshot host allow-list and URL vetting (no network beyond name resolution)."""

from __future__ import annotations

import pytest

from opengov.cameras.hosts import HostRefused, listed, parse_allow_list, peer_allowed, vet


def test_allow_list_entries():
    allow = parse_allow_list(" Cams.Example.org, 10.0.0.5:8080, [::1]:81, 2001:db8::7 ,")
    assert allow == {("cams.example.org", None), ("10.0.0.5", 8080), ("::1", 81),
                     ("2001:db8::7", None)}
    assert parse_allow_list("") == frozenset()


@pytest.mark.parametrize("entry", ["http://cams.example.org", "cams.example.org/x",
                                   "user@cams.example.org", "cams.example.org:99999", "a b"])
def test_malformed_allow_list_entries_are_errors(entry):
    with pytest.raises(ValueError, match="host:port"):
        parse_allow_list(entry)


def test_listed_matches_host_and_port():
    allow = parse_allow_list("cams.example.org, 10.0.0.5:8080")
    assert listed("https://CAMS.example.org/a.jpg", allow) == ("cams.example.org", 443)
    assert listed("http://10.0.0.5:8080/a.jpg", allow) == ("10.0.0.5", 8080)
    for url in ("http://cams.example.org:8080/a.jpg",   # listed without port: default only
                "http://10.0.0.5/a.jpg",                 # listed with another port
                "http://other.example.org/a.jpg",
                "file:///etc/passwd", "gopher://cams.example.org/",
                "http://user:pw@cams.example.org/a.jpg",
                "http://cams.example.org:notaport/"):
        with pytest.raises(HostRefused):
            listed(url, allow)


def test_names_resolving_to_internal_addresses_are_refused():
    allow = parse_allow_list("localhost:8080, 127.0.0.1:8080")
    with pytest.raises(HostRefused, match="non-public"):
        vet("http://localhost:8080/a.jpg", allow)
    target = vet("http://127.0.0.1:8080/a.jpg", allow)  # an address is listed deliberately
    assert peer_allowed(target, "127.0.0.1")
    assert not peer_allowed(target, "10.1.2.3")


def test_a_malformed_allow_list_stops_the_app_at_start(tmp_path):
    from opengov.app import create_app

    with pytest.raises(ValueError, match="host:port"):
        create_app({"database_url": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                    "instance_path": tmp_path, "camera_snapshot_hosts": "https://cams.example"})
