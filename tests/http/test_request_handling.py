"""What every list request shares: parsed arguments, links, whole-page bodies."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest


def _ids(response) -> list[str]:
    return [f["id"] for f in response.get_json()["features"]]


def test_a_repeated_query_is_answered_like_the_first(client):
    """Arguments are parsed once per query string: a view that consumes an argument (the
    stations' ``parameter``) still sees it on the second identical request."""
    url = "/monitoring/stations?parameter=pm25&limit=100"
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert _ids(first) == _ids(second)
    everything = _ids(client.get("/monitoring/stations?limit=100"))
    assert 0 < len(_ids(first)) < len(everything)


def test_a_bad_query_is_refused_every_time(client):
    for _ in range(3):
        response = client.get("/cameras?limit=0")
        assert response.status_code == 400
        assert response.mimetype == "application/problem+json"
    assert client.get("/cameras?limit=2").status_code == 200


def test_links_keep_the_query_as_sent_and_encode_what_a_url_cannot_carry(client):
    response = client.get("/cameras?limit=2&bbox=107.0,15.0,109.0,16.5")
    links = {lk["rel"]: lk["href"] for lk in response.get_json()["links"]}
    assert links["self"].endswith("/cameras?limit=2&bbox=107.0,15.0,109.0,16.5")
    nxt = parse_qs(urlsplit(links["next"]).query)
    assert nxt["limit"] == ["2"] and nxt["bbox"] == ["107.0,15.0,109.0,16.5"] and nxt["cursor"]
    # A search with characters a URL may not carry raw (the Link header is <…>-delimited).
    response = client.get("/cameras", query_string={"q": 'Hội An <"x">', "limit": 1})
    assert response.status_code == 200
    header = response.headers["Link"]
    self_url = header.split(">", 1)[0][1:]
    assert not set('<>" ') & set(self_url) and self_url.isascii()
    assert parse_qs(urlsplit(self_url).query)["q"] == ['Hội An <"x">']
    # A stray "%" is not a percent-escape: the link carries it encoded.
    stray = client.get("/cameras?q=100%&limit=1").get_json()["links"][0]["href"]
    assert "q=100%25" in stray and parse_qs(urlsplit(stray).query)["q"] == ["100%"]


def test_offset_and_cursor_are_replaced_not_repeated(client):
    page = client.get("/cameras?offset=2&limit=2").get_json()
    nxt = next(lk["href"] for lk in page["links"] if lk["rel"] == "next")
    query = parse_qs(urlsplit(nxt).query)
    assert "offset" not in query and len(query["cursor"]) == 1
    follow = client.get(urlsplit(nxt).path + "?" + urlsplit(nxt).query).get_json()
    again = next(lk["href"] for lk in follow["links"] if lk["rel"] == "next")
    assert len(parse_qs(urlsplit(again).query)["cursor"]) == 1


@pytest.mark.parametrize("url", ["/cameras?limit=50", "/land/parcels?limit=20",
                                 "/ogc/collections/parcels/items?limit=20&f=csv"])
def test_pages_are_sent_whole_with_their_length(client, url):
    response = client.get(url)
    assert response.status_code == 200
    # A generator body would have no length (and go out chunked).
    assert int(response.headers["Content-Length"]) == len(response.data)


@pytest.mark.parametrize(("sent", "location"), [
    ("/ogc/collections/", "/ogc/collections"),  # /ogc/ itself is the landing page (a 200)
    ("/ogc/collections/parcels/items/?limit=2&f=json",
     "/ogc/collections/parcels/items?limit=2&f=json"),
    ("/land/parcels//", "/land/parcels"),
])
def test_a_trailing_slash_is_redirected_to_the_resource(client, sent, location):
    """GIS users paste base URLs with a slash at the end; the slash alone is not a 404."""
    response = client.get(sent)
    assert response.status_code == 308
    assert response.headers["Location"] == location
    assert client.get(location).status_code == 200


def test_an_unknown_path_with_a_slash_is_still_a_problem_404(client):
    for path in ("/no-such-thing/", "/land/", "/ogc/collections/no-such/items/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response.mimetype == "application/problem+json"
