"""Files a moderator might upload, made on the spot: a phone photo with its GPS position in EXIF,
a decompression bomb (a PNG header claiming 100 000 × 100 000 pixels), a PDF renamed .jpg."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

GPS_IFD = 0x8825
# Mostar, Stari most: where the test photo claims to be taken.
GPS = {1: "N", 2: (43.0, 20.0, 13.0), 3: "E", 4: (17.0, 48.0, 54.0)}


def photo_with_gps(size: tuple[int, int] = (3000, 2000)) -> bytes:
    image = Image.new("RGB", size, (30, 120, 60))
    for x in range(0, size[0], 100):  # some detail, so the JPEG is not trivially small
        image.paste((200, 180, 40), (x, 0, x + 40, size[1]))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"        # camera make
    exif[0x0110] = "Phone 12 Secret"   # camera model
    exif.get_ifd(GPS_IFD).update(GPS)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def decompression_bomb() -> bytes:
    """A valid PNG header for 100 000 × 100 000 pixels (10 gigapixels) in a few hundred bytes."""
    header = struct.pack(">IIBBBBB", 100_000, 100_000, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header) + _chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + \
        _chunk(b"IEND", b"")


def renamed_pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
