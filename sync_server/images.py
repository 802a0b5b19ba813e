"""Photos of initiatives made safe and small: the upload is decoded by Pillow and re-encoded, so
nothing of the original file survives but its pixels (no EXIF, no GPS position, no comments, no
trailing bytes), in the two sizes the bench and the phone pages show. Pure functions, no database.

Refused, with a reason the moderator reads: a file over the byte limit, anything that is not a
JPEG, PNG or WebP image (a PDF renamed to .jpg included), a truncated image, and a decompression
bomb (a small file that claims more pixels than the limit)."""
from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = ("JPEG", "PNG", "WEBP")
# The initiative's page on the bench (1280 × 800 screen) and on a phone; the bench's list.
LARGE_SIDE = 1280
THUMB_SIDE = 320
QUALITY = 82


class PhotoRefused(ValueError):
    """`reason` is one of: too_large, not_an_image, unsupported_format, bomb, broken."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Rendition:
    jpeg: bytes
    width: int
    height: int


@dataclass(frozen=True)
class Photo:
    large: Rendition
    thumb: Rendition
    sha256: str  # of the large JPEG: the content hash benches compare


def _decode(data: bytes, max_pixels: int) -> Image.Image:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in FORMATS:
                raise PhotoRefused("unsupported_format")
            # The header's claim is checked before a single pixel is decoded.
            if image.width * image.height > max_pixels:
                raise PhotoRefused("bomb")
            image.load()
    except PhotoRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoRefused("bomb") from None
    except UnidentifiedImageError:
        raise PhotoRefused("not_an_image") from None
    except (OSError, ValueError, SyntaxError):  # truncated or corrupt data
        raise PhotoRefused("broken") from None
    return image


def _flatten(image: Image.Image) -> Image.Image:
    """RGB, upright as the camera held it (EXIF orientation applied, then the EXIF dropped)."""
    image = ImageOps.exif_transpose(image)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _rendition(image: Image.Image, side: int) -> Rendition:
    copy = image.copy()
    copy.thumbnail((side, side), Image.Resampling.LANCZOS)  # never enlarges
    out = io.BytesIO()
    copy.save(out, "JPEG", quality=QUALITY, optimize=True, progressive=True)  # no exif= : none written
    return Rendition(out.getvalue(), copy.width, copy.height)


def process_photo(data: bytes, max_bytes: int, max_pixels: int) -> Photo:
    if len(data) > max_bytes:
        raise PhotoRefused("too_large")
    if not data:
        raise PhotoRefused("not_an_image")
    image = _flatten(_decode(data, max_pixels))
    large = _rendition(image, LARGE_SIDE)
    return Photo(large, _rendition(image, THUMB_SIDE), hashlib.sha256(large.jpeg).hexdigest())
