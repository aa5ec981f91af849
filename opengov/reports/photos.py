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
MAX_PIXELS = 40_000_000
FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png"}


def _problem(status: int, detail: str, index: int) -> ApiError:
    return ApiError(status, detail, errors=[{"location": "files", "field": f"photos[{index}]",
                                            "messages": [detail]}])


def clean_photo(data: bytes, index: int = 0) -> tuple[bytes, str]:
    """Check one upload and return it re-encoded without metadata, with its media type.

    413 over 5 MB, 415 when it is not a JPEG or PNG image, 422 when it cannot be decoded.
    """
    if len(data) > MAX_PHOTO_BYTES:
        raise _problem(413, f"Photo {index + 1} is larger than 5 MB.", index)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            fmt = image.format
            if fmt not in FORMATS:
                raise _problem(415, f"Photo {index + 1} must be JPEG or PNG (got "
                                    f"{fmt or 'unknown'}).", index)
            if image.width * image.height > MAX_PIXELS:
                raise _problem(422, f"Photo {index + 1} has more than 40 megapixels.", index)
            image.load()
    except (UnidentifiedImageError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise _problem(415, f"Photo {index + 1} is not a JPEG or PNG image.", index) from None
    except (OSError, SyntaxError, ValueError):
        raise _problem(422, f"Photo {index + 1} is damaged and cannot be read.", index) from None
    image = ImageOps.exif_transpose(image)  # keep the orientation the EXIF tag described
    clean = Image.frombytes(image.mode, image.size, image.tobytes())  # pixels only, no info
    if image.mode == "P":
        clean.putpalette(image.getpalette())
    out = io.BytesIO()
    if fmt == "JPEG":
        clean.convert("RGB").save(out, "JPEG", quality=90)
    else:
        clean.save(out, "PNG", optimize=True)
    return out.getvalue(), FORMATS[fmt]
