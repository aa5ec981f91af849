"""Photo bombs: small files that decode to huge images are refused from their headers (422 with
the reason), before any pixel is decoded."""

from __future__ import annotations

import io
import struct
import zlib

from tests.reports.conftest import api, reports_app  # noqa: F401 (fixtures)

FORM = {"category": "pothole", "description": "Ổ gà", "lon": "108.4745", "lat": "15.5733"}


def flat_png(width: int, height: int, *, pixels: bool = True) -> bytes:
    """A grey PNG of ``width`` × ``height`` zero pixels: a few kilobytes for any size.
    Without ``pixels`` only the header is right (the data would not decode)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    rows = zlib.compress(b"\0" * ((width + 1) * height), 9) if pixels else zlib.compress(b"\0")
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0,
                                                            0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def _submit(api, *photos: bytes):  # noqa: F811
    files = [(io.BytesIO(data), f"p{i}.png") for i, data in enumerate(photos)]
    return api.post("/reports", data={**FORM, "photos": files},
                    content_type="multipart/form-data")


def _problem(response, status: int) -> dict:
    assert (response.status_code, response.mimetype) == (status, "application/problem+json")
    return response.get_json()


def test_five_flat_40_megapixel_photos_are_refused_before_decoding(api):  # noqa: F811
    bomb = flat_png(6600, 6000)
    assert len(bomb) < 200_000
    body = _problem(_submit(api, *[bomb] * 5), 422)
    assert "6600 × 6000" in body["detail"] and "limit is 24.0 megapixels" in body["detail"]
    assert body["errors"][0]["field"] == "photos[0]"
    assert api.get("/reports").get_json()["features"] == []  # nothing stored


def test_a_20000_by_20000_png_is_422_not_415(api):  # noqa: F811
    body = _problem(_submit(api, flat_png(20000, 20000, pixels=False)), 422)
    assert "megapixels" in body["detail"]


def test_photos_within_the_photo_limit_but_over_the_report_limit_are_refused(api):  # noqa: F811
    photo = flat_png(4000, 3500)  # 14 megapixels: fine alone, five are 70 in all
    body = _problem(_submit(api, *[photo] * 5), 422)
    assert "70.0 megapixels in all" in body["detail"]
    assert _submit(api, photo, photo).status_code == 201  # two are fine
