"""A QR code drawn crisp: one texel per module, scaled by a whole number with nearest-neighbour
filtering, the quiet zone included, and at least ``min_px`` wide (35 mm at 149 dpi is 206 px,
readable by a phone at arm's length)."""
from __future__ import annotations

import math

import qrcode
from kivy.graphics import Color, Rectangle
from kivy.graphics.texture import Texture
from kivy.properties import NumericProperty, StringProperty
from kivy.uix.widget import Widget

QUIET_ZONE = 4  # modules, as the standard asks


def qr_matrix(data: str) -> list[list[bool]]:
    """The modules of a QR code for ``data``, quiet zone included (True = dark)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=QUIET_ZONE)
    code.add_data(data)
    code.make(fit=True)
    return code.get_matrix()


def qr_texture(matrix: list[list[bool]]) -> Texture:
    size = len(matrix)
    # RGBA rows are always 4-byte aligned, whatever the module count.
    pixels = bytearray()
    for row in reversed(matrix):  # textures start at the bottom row
        for dark in row:
            pixels += b"\x00\x00\x00\xff" if dark else b"\xff\xff\xff\xff"
    texture = Texture.create(size=(size, size), colorfmt="rgba")
    texture.mag_filter = texture.min_filter = "nearest"
    texture.blit_buffer(bytes(pixels), colorfmt="rgba", bufferfmt="ubyte")
    return texture


class QRCode(Widget):
    data = StringProperty("")
    min_px = NumericProperty(216)
    modules = NumericProperty(0)

    def __init__(self, **kwargs) -> None:
        self._rect: Rectangle | None = None
        super().__init__(**kwargs)
        self.size_hint = (None, None)
        self.bind(data=self._render, pos=self._place, size=self._place)
        self._render()

    def _render(self, *args) -> None:
        self.canvas.clear()
        self._rect = None
        if not self.data:
            self.modules = 0
            return
        matrix = qr_matrix(self.data)
        self.modules = len(matrix)
        scale = math.ceil(self.min_px / self.modules)
        self.size = (self.modules * scale, self.modules * scale)
        with self.canvas:
            Color(1, 1, 1, 1)
            self._rect = Rectangle(texture=qr_texture(matrix), pos=self.pos, size=self.size)
        self._place()

    def _place(self, *args) -> None:
        if self._rect is not None:
            self._rect.pos, self._rect.size = self.pos, self.size
