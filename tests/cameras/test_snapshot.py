"""GET /cameras/{id}/snapshot against a real upstream HTTP server, on both backends."""

from __future__ import annotations

import gzip
import time

import orjson

from tests.cameras.conftest import JPEG, camera
from tests.upstream import Upstream


def _feature(client, camera_id: str) -> dict:
    return orjson.loads(client.get(f"/cameras/{camera_id}").data)["properties"]


def _version(app) -> int:
    return app.extensions["opengov"].store.repo("cameras").state().version


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.data[:300]
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json(force=True)
    assert body["status"] == status
    return body


def test_image_is_served_with_caching_headers_and_shared(make_camera_app, upstream):
    upstream.route("/cam1.jpg", JPEG, content_type="image/jpeg")
    app = make_camera_app([camera("cam-1", upstream.url + "/cam1.jpg")])
    client = app.test_client()

    first = client.get("/cameras/cam-1/snapshot")
    assert first.status_code == 200
    assert first.data == JPEG
    assert first.headers["Content-Type"] == "image/jpeg"
    assert first.headers["X-Content-Type-Options"] == "nosniff"
    cache_control = first.headers["Cache-Control"]
    assert cache_control.startswith("public, max-age=")
    assert 0 < int(cache_control.split("=")[1]) <= 30
    assert "Warning" not in first.headers and int(first.headers["Age"]) >= 0

    for _ in range(5):
        again = client.get("/cameras/cam-1/snapshot")
        assert again.data == JPEG and again.headers["ETag"] == first.headers["ETag"]
    assert upstream.count("/cam1.jpg") == 1  # every viewer in the interval shares one fetch

    revalidated = client.get("/cameras/cam-1/snapshot",
                             headers={"If-None-Match": first.headers["ETag"]})
    assert revalidated.status_code == 304 and revalidated.data == b""
    # The 304 describes the same image: its remaining lifetime and its age come along.
    assert revalidated.headers["ETag"] == first.headers["ETag"]
    assert revalidated.headers["Cache-Control"].startswith("public, max-age=")
    assert "Age" in revalidated.headers and "Warning" not in revalidated.headers


def test_fetch_marks_the_camera_online_without_a_new_version(make_camera_app, upstream):
    upstream.route("/cam1.jpg", JPEG, content_type="image/jpeg")
    app = make_camera_app([camera("cam-1", upstream.url + "/cam1.jpg", status="offline")])
    client = app.test_client()
    version = _version(app)
    listing_etag = client.get("/cameras").headers["ETag"]

    assert client.get("/cameras/cam-1/snapshot").status_code == 200

    props = _feature(client, "cam-1")
    assert props["status"] == "online"
    assert props["last_seen"].endswith("Z")
    assert _version(app) == version  # operational update: no new collection version
    assert client.get("/cameras").headers["ETag"] == listing_etag
    online = client.get("/cameras?status=online").get_json()
    assert [f["id"] for f in online["features"]] == ["cam-1"]


def test_security_camera_is_never_proxied(make_camera_app, upstream):
    upstream.route("/sec.jpg", JPEG, content_type="image/jpeg")
    app = make_camera_app([camera("cam-sec", upstream.url + "/sec.jpg", kind="security")])
    body = _problem(app.test_client().get("/cameras/cam-sec/snapshot"), 403)
    assert "security" in body["detail"]
    assert upstream.count("/sec.jpg") == 0


def test_unknown_camera_and_camera_without_snapshot_url(make_camera_app):
    app = make_camera_app([camera("cam-none", None)])
    client = app.test_client()
    _problem(client.get("/cameras/nope/snapshot"), 404)
    _problem(client.get("/cameras/cam-none/snapshot"), 403)


def test_hosts_off_the_allow_list_get_no_request(make_camera_app, upstream):
    port = upstream.url.rsplit(":", 1)[1]
    with Upstream() as other:
        other.route("/x.jpg", JPEG, content_type="image/jpeg")
        upstream.route("/x.jpg", JPEG, content_type="image/jpeg")
        app = make_camera_app([
            camera("cam-other", other.url + "/x.jpg"),           # another port
            camera("cam-name", f"http://localhost:{port}/x.jpg"),  # a name for 127.0.0.1
            camera("cam-ftp", f"ftp://127.0.0.1:{port}/x.jpg"),
        ], camera_snapshot_hosts=f"127.0.0.1:{port}, localhost:{port}")
        client = app.test_client()
        assert "allow-list" in _problem(client.get("/cameras/cam-other/snapshot"), 403)["detail"]
        # listed by name, but the name resolves to a loopback address: refused before sending
        assert "non-public" in _problem(client.get("/cameras/cam-name/snapshot"), 403)["detail"]
        _problem(client.get("/cameras/cam-ftp/snapshot"), 403)
        assert other.count("/x.jpg") == 0
    assert upstream.count("/x.jpg") == 0


def test_empty_allow_list_proxies_nothing(make_camera_app, upstream):
    upstream.route("/cam1.jpg", JPEG, content_type="image/jpeg")
    app = make_camera_app([camera("cam-1", upstream.url + "/cam1.jpg")],
                          camera_snapshot_hosts="")
    _problem(app.test_client().get("/cameras/cam-1/snapshot"), 403)
    assert upstream.count("/cam1.jpg") == 0


def test_redirect_to_another_host_is_not_followed(make_camera_app, upstream):
    with Upstream() as other:
        other.route("/x.jpg", JPEG, content_type="image/jpeg")
        upstream.route("/moved.jpg", b"", status=302, headers={"Location": other.url + "/x.jpg"},
                       content_type="text/plain")
        app = make_camera_app([camera("cam-1", upstream.url + "/moved.jpg")])
        _problem(app.test_client().get("/cameras/cam-1/snapshot"), 403)
        assert other.count("/x.jpg") == 0


def test_redirect_within_the_allowed_host_is_followed(make_camera_app, upstream):
    upstream.route("/x.jpg", JPEG, content_type="image/jpeg")
    upstream.route("/moved.jpg", b"", status=302, headers={"Location": "/x.jpg"},
                   content_type="text/plain")
    app = make_camera_app([camera("cam-1", upstream.url + "/moved.jpg")])
    response = app.test_client().get("/cameras/cam-1/snapshot")
    assert response.status_code == 200 and response.data == JPEG


def test_non_image_answer_is_refused(make_camera_app, upstream):
    upstream.route("/page", "<html>login</html>", content_type="text/html")
    upstream.route("/vector.svg", "<svg><script>alert(1)</script></svg>",
                   content_type="image/svg+xml")
    app = make_camera_app([camera("cam-html", upstream.url + "/page"),
                           camera("cam-svg", upstream.url + "/vector.svg")])
    client = app.test_client()
    assert "text/html" in _problem(client.get("/cameras/cam-html/snapshot"), 502)["detail"]
    assert "image/svg+xml" in _problem(client.get("/cameras/cam-svg/snapshot"), 502)["detail"]
    assert _feature(client, "cam-html")["status"] == "offline"


def test_oversize_image_is_refused(make_camera_app, upstream):
    upstream.route("/big.jpg", JPEG * 4, content_type="image/jpeg")
    app = make_camera_app([camera("cam-big", upstream.url + "/big.jpg")],
                          camera_snapshot_max_bytes=len(JPEG))
    body = _problem(app.test_client().get("/cameras/cam-big/snapshot"), 502)
    assert str(len(JPEG)) in body["detail"]


def test_unreachable_camera_is_502_and_marked_offline(make_camera_app, upstream):
    upstream.route("/cam1.jpg", JPEG, content_type="image/jpeg")
    upstream.fail("/cam1.jpg", 0)  # drops the connection
    app = make_camera_app([camera("cam-1", upstream.url + "/cam1.jpg"),
                           camera("cam-503", upstream.url + "/down.jpg")])
    upstream.fail("/down.jpg", 503)
    client = app.test_client()
    _problem(client.get("/cameras/cam-1/snapshot"), 502)
    assert "503" in _problem(client.get("/cameras/cam-503/snapshot"), 502)["detail"]
    assert _feature(client, "cam-1")["status"] == "offline"
    # a failure is remembered for one interval: viewers meanwhile do not hammer the camera
    _problem(client.get("/cameras/cam-503/snapshot"), 502)
    assert upstream.count("/down.jpg") == 1


def test_slow_camera_is_504(make_camera_app, upstream):
    upstream.route("/slow.jpg", JPEG, content_type="image/jpeg")
    upstream.slow("/slow.jpg", 2.5)
    app = make_camera_app([camera("cam-slow", upstream.url + "/slow.jpg")],
                          camera_snapshot_timeout_s=1)
    body = _problem(app.test_client().get("/cameras/cam-slow/snapshot"), 504)
    assert "1 s" in body["detail"]


def test_last_good_image_is_served_stale_when_the_camera_goes_down(make_camera_app, upstream):
    upstream.route("/cam1.jpg", JPEG, content_type="image/jpeg")
    app = make_camera_app([camera("cam-1", upstream.url + "/cam1.jpg")],
                          camera_snapshot_expiry_s=1)
    client = app.test_client()
    fresh = client.get("/cameras/cam-1/snapshot")
    assert fresh.status_code == 200 and "Warning" not in fresh.headers

    upstream.fail("/cam1.jpg", 503)
    time.sleep(1.2)  # past the interval: the next viewer goes upstream and finds it down
    stale = client.get("/cameras/cam-1/snapshot")
    assert stale.status_code == 200
    assert stale.data == JPEG
    assert stale.headers["Content-Type"] == "image/jpeg"
    assert stale.headers["Warning"] == '110 - "Response is Stale"'
    assert int(stale.headers["Age"]) >= 1
    assert stale.headers["Cache-Control"] == "no-cache"
    assert _feature(client, "cam-1")["status"] == "offline"

    upstream.recover("/cam1.jpg")
    upstream.route("/cam1.jpg", JPEG + b"new", content_type="image/jpeg")
    time.sleep(1.2)  # the failure is forgotten after one interval
    back = client.get("/cameras/cam-1/snapshot")
    assert back.data == JPEG + b"new" and "Warning" not in back.headers
    assert _feature(client, "cam-1")["status"] == "online"


def test_openapi_documents_the_endpoint(make_camera_app):
    app = make_camera_app([])
    spec = app.test_client().get("/openapi.json").get_json()
    responses = spec["paths"]["/cameras/{item_id}/snapshot"]["get"]["responses"]
    assert responses["200"]["content"]["image/*"]["schema"]["format"] == "binary"
    assert {"ETag", "Cache-Control", "Age", "Warning"} <= set(responses["200"]["headers"])
    for status in ("403", "404", "502", "504"):
        assert list(responses[status]["content"]) == ["application/problem+json"]


def test_compressed_body_is_capped_after_decoding(make_camera_app, upstream):
    bomb = gzip.compress(b"\0" * 2_000_000)
    upstream.route("/bomb.jpg", bomb, content_type="image/jpeg",
                   headers={"Content-Encoding": "gzip"})
    app = make_camera_app([camera("cam-bomb", upstream.url + "/bomb.jpg")],
                          camera_snapshot_max_bytes=100_000)
    assert len(bomb) < 100_000
    body = _problem(app.test_client().get("/cameras/cam-bomb/snapshot"), 502)
    assert "100000" in body["detail"]


def test_expired_image_is_revalidated_with_its_etag(make_camera_app, upstream):
    upstream.route("/cam1.jpg", JPEG, content_type="image/jpeg")
    app = make_camera_app([camera("cam-1", upstream.url + "/cam1.jpg")],
                          camera_snapshot_expiry_s=1)
    client = app.test_client()
    first = client.get("/cameras/cam-1/snapshot")
    time.sleep(1.2)
    second = client.get("/cameras/cam-1/snapshot")
    assert second.status_code == 200 and second.data == JPEG
    assert second.headers["ETag"] == first.headers["ETag"]
    asked = upstream.seen("/cam1.jpg")
    assert len(asked) == 2 and asked[1].header("If-None-Match")  # answered 304, no body
