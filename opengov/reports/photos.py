"""Photo checks and metadata stripping (Pillow).

Photos may show faces and number plates, which are personal data (Law 91/2025/QH15 and Decree
356/2025/NĐ-CP list photos and licence-plate numbers as basic personal data; DOMAIN.md §5), so
they stay private until an official approves them. Every photo is decoded and re-encoded on
upload: the stored bytes carry no EXIF (camera, time, GPS position), XMP, ICC or text chunks.
"""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

from opengov.errors import ApiError

MAX_PHOTOS = 5
MAX_PHOTO_BYTES = 5 * 1024 * 1024
# Decoding and re-encoding cost grows with pixels, not bytes (a flat PNG of 40 megapixels is a
# few kilobytes): both counts are read from the image header and checked before any decoding.
MAX_PIXELS = 24_000_000          # one photo (a 6000 × 4000 camera image)
MAX_REPORT_PIXELS = 64_000_000   # all photos of one report (five 12-megapixel phone photos)
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


def _problem(status: int, detail: str, index: int) -> ApiError:
    return ApiError(status, detail, errors=[{"location": "files", "field": f"photos[{index}]",
                                            "messages": [detail]}])


def _megapixels(pixels: int) -> str:
    return f"{pixels / 1_000_000:.1f}"


def _too_many_pixels(index: int, detail: str) -> ApiError:
    return _problem(422, f"Photo {index + 1} {detail}; the limit is "
                         f"{_megapixels(MAX_PIXELS)} megapixels per photo.", index)


def open_photo(data: bytes, index: int = 0) -> Image.Image:
    """Read one upload's header only (nothing is decoded): 413 over 5 MB, 415 when it is not a
    JPEG or PNG image, 422 when its header is damaged or it has more than ``MAX_PIXELS``."""
    if len(data) > MAX_PHOTO_BYTES:
        raise _problem(413, f"Photo {index + 1} is larger than 5 MB.", index)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
    except UnidentifiedImageError:
        raise _problem(415, f"Photo {index + 1} is not a JPEG or PNG image.", index) from None
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(index, "has far too many pixels") from None
    except (OSError, SyntaxError, ValueError):
        raise _problem(422, f"Photo {index + 1} is damaged and cannot be read.", index) from None
    if image.format not in FORMATS:
        raise _problem(415, f"Photo {index + 1} must be JPEG or PNG (got "
                            f"{image.format or 'unknown'}).", index)
    if image.width * image.height > MAX_PIXELS:
        raise _too_many_pixels(index, f"is {image.width} × {image.height} pixels "
                                      f"({_megapixels(image.width * image.height)} megapixels)")
    return image


def clean_photos(uploads: list[bytes]) -> list[tuple[bytes, str]]:
    """Every upload of one report re-encoded without metadata, with its media type; all headers
    are checked (:func:`open_photo`, and ``MAX_REPORT_PIXELS`` in all) before any is decoded."""
    images = [open_photo(data, i) for i, data in enumerate(uploads)]
    total = sum(image.width * image.height for image in images)
    if total > MAX_REPORT_PIXELS:
        raise ApiError(422, f"The photos have {_megapixels(total)} megapixels in all; the limit "
                            f"is {_megapixels(MAX_REPORT_PIXELS)} megapixels per report.",
                       errors=[{"location": "files", "field": "photos",
                                "messages": ["Too many pixels in all."]}])
    return [_reencode(image, i) for i, image in enumerate(images)]


def _reencode(image: Image.Image, index: int) -> tuple[bytes, str]:
    fmt = image.format
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise _problem(422, f"Photo {index + 1} is damaged and cannot be read.", index) from None
    image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF tag described
    clean = image.copy()  # pixels and palette (one copy in C, no round trip through bytes)
    clean.info = {}  # without EXIF, XMP, ICC or text chunks: savers fall back on ``info``
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.convert("RGB").save(out, "JPEG", quality=90)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue(), FORMATS[fmt]
