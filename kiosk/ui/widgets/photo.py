"""An initiative's photo from the bench's store: the thumbnail on the list, the large one on the
initiative's page. Decoded textures are kept for the thumbnails the list shows over and over; a
photo not fetched yet takes no room."""
from __future__ import annotations

import io
from collections import OrderedDict

from kivy.app import App
from kivy.core.image import Image as CoreImage
from kivy.graphics.texture import Texture
from kivy.properties import StringProperty
from kivy.uix.image import Image

_KEPT_TEXTURES = 64
_textures: OrderedDict[tuple[str, str], Texture] = OrderedDict()


def photo_texture(sha256: str, size: str) -> Texture | None:
    """The decoded photo ("thumb" or "large") from the running app's store, or None."""
    key = (sha256, size)
    if key in _textures:
        _textures.move_to_end(key)
        return _textures[key]
    data = App.get_running_app().store.photo(sha256, size) if sha256 else None
    if not data:
        return None
    texture = CoreImage(io.BytesIO(data), ext="jpg").texture
    _textures[key] = texture
    if len(_textures) > _KEPT_TEXTURES:
        _textures.popitem(last=False)
    return texture


class PhotoImage(Image):
    """``sha256`` of the photo (empty: none) and ``photo_size`` "thumb" or "large"."""

    sha256 = StringProperty("")
    photo_size = StringProperty("thumb")

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.fit_mode = "contain"
        self.bind(sha256=self._load, photo_size=self._load)
        self._load()

    def _load(self, *args) -> None:
        self.texture = photo_texture(self.sha256, self.photo_size)
        self.opacity = 1 if self.texture is not None else 0
