"""An initiative's photo on the kiosk screen (issue #12): the photo the server made from an upload
with GPS in its EXIF (sync_server.images, the code the server runs), put in the bench's store the
way a sync round does, shows as a thumbnail on the list and large on the initiative's page."""
from __future__ import annotations

import copy
import io

from PIL import Image

from kiosk.ui.tr import tr
from sync_server.images import process_photo
from tests.web.photo_files import photo_with_gps

MOSTAR_BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"


def test_photo_on_the_list_and_the_initiative_page(kiosk):
    store = kiosk.app.store
    photo = process_photo(photo_with_gps(), 10 << 20, 40_000_000)
    assert not Image.open(io.BytesIO(photo.large.jpeg)).getexif()
    item = copy.deepcopy(store.initiative(MOSTAR_BINS))
    item["updated_at"] = "2099-01-01T00:00:00Z"  # the newest: first on the list
    item["photos"] = [{"sha256": photo.sha256, "url": "/photos/p.jpg", "thumb_url": "/photos/p-thumb.jpg",
                       "width": photo.large.width, "height": photo.large.height,
                       "thumb_width": photo.thumb.width, "thumb_height": photo.thumb.height, "alt": ""}]
    store.apply_initiatives({"items": [item], "deleted": []})
    store.put_photo(photo.sha256, "thumb", photo.thumb.jpeg, 1 << 20)
    store.put_photo(photo.sha256, "large", photo.large.jpeg, 1 << 20)
    kiosk.app.store_version += 1
    kiosk.start("bs")
    row = kiosk.find(cls="InitiativeRow")[0]
    assert row.initiative_id == MOSTAR_BINS
    (thumb,) = kiosk.find(row, cls="PhotoImage")
    assert thumb.texture.size == (320, 213) and thumb.width > 0
    without = kiosk.find(cls="InitiativeRow")[1]
    assert kiosk.find(without, cls="PhotoImage") == []  # no photo: no room taken (width 0, hidden)
    kiosk.screenshot("initiatives-photo-bs")
    kiosk.tap(row)
    assert kiosk.app.manager.current == "initiative"
    (large,) = kiosk.find(kiosk.screen(), cls="PhotoImage")
    assert large.texture.size == (1280, 853) and large.height > 0
    kiosk.screenshot("initiative-photo-bs")
    kiosk.tap(kiosk.button(tr._("Back to the list")))
