"""Photo processing with the real Pillow: what survives of an upload is only its pixels."""
from __future__ import annotations

import io

import pytest
from PIL import Image

from sync_server.images import LARGE_SIDE, THUMB_SIDE, PhotoRefused, process_photo
from tests.web.photo_files import GPS_IFD, decompression_bomb, photo_with_gps, renamed_pdf

MB = 1 << 20


def test_gps_and_camera_data_are_gone_and_sizes_fit() -> None:
    original = photo_with_gps()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(GPS_IFD)  # the test file has a position
    photo = process_photo(original, 10 * MB, 40_000_000)
    for rendition, side in ((photo.large, LARGE_SIDE), (photo.thumb, THUMB_SIDE)):
        image = Image.open(io.BytesIO(rendition.jpeg))
        assert image.format == "JPEG" and max(image.size) == side == max(rendition.width, rendition.height)
        assert not image.getexif() and "exif" not in image.info
        assert b"PhoneMaker" not in rendition.jpeg and b"Phone 12 Secret" not in rendition.jpeg
    assert photo.large.width == 1280 and photo.large.height == 853  # 3:2 kept


def test_transparent_png_and_webp_are_accepted() -> None:
    for fmt, mode in (("PNG", "RGBA"), ("WEBP", "RGB")):
        out = io.BytesIO()
        Image.new(mode, (400, 300), (10, 20, 30, 0) if mode == "RGBA" else (10, 20, 30)).save(out, fmt)
        photo = process_photo(out.getvalue(), 10 * MB, 40_000_000)
        assert (photo.large.width, photo.large.height) == (400, 300)  # never enlarged


@pytest.mark.parametrize(("data", "reason"), [
    (decompression_bomb(), "bomb"),
    (renamed_pdf(), "not_an_image"),
    (b"", "not_an_image"),
    (photo_with_gps()[:5000], "broken"),
])
def test_refusals(data: bytes, reason: str) -> None:
    with pytest.raises(PhotoRefused) as refused:
        process_photo(data, 10 * MB, 40_000_000)
    assert refused.value.reason == reason


def test_too_large_and_other_formats_refused() -> None:
    with pytest.raises(PhotoRefused, match="too_large"):
        process_photo(b"\0" * (MB + 1), MB, 40_000_000)
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    with pytest.raises(PhotoRefused, match="unsupported_format"):
        process_photo(gif.getvalue(), MB, 40_000_000)
