"""One initiative: its photo (once the bench has fetched it), its texts, status and supporters, "I support this" (once per session), a QR
code to read it on a phone, and a way to write a suggestion about it."""
from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, DictProperty, NumericProperty, StringProperty

from kiosk.core.handoff import initiative_url
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.screens.initiatives import initiative_texts, row_data
from kiosk.ui.widgets.photo import PhotoImage  # noqa: F401  (used by the kv rules)

load_kv(__file__)

EMPTY = {"initiative_id": "", "title": "", "summary": "", "meta": "", "note": "", "supporters": "", "body": ""}


class InitiativeScreen(KioskScreen):
    initiative_id = StringProperty("")
    # row_data plus "body". kv reads it as root.shown["title"]: Kivy does not re-evaluate
    # root.shown.get(...) when the dict is replaced, so every key is always present.
    shown = DictProperty(EMPTY)
    supported = BooleanProperty(False)
    qr_data = StringProperty("")
    photo = StringProperty("")          # sha256 of the first photo, "" for none
    photo_ratio = NumericProperty(0.0)  # its height / width

    def on_kv_post(self, *args: Any) -> None:
        self.app.bind(language=lambda *_: self._show())

    def prepare(self, initiative_id: str = "", **kwargs: Any) -> None:
        self.initiative_id = initiative_id or self.initiative_id
        self._show()

    def _show(self) -> None:
        initiative = self.app.store.initiative(self.initiative_id) if self.initiative_id else None
        if initiative is None:
            self.shown, self.photo = EMPTY, ""
            return
        language = self.app.language
        texts, _note = initiative_texts(initiative, language)
        pending = self.app.store.pending_supports().get(initiative["id"], 0)
        self.shown = {**row_data(initiative, language, pending), "body": texts.get("body", "")}
        photos = initiative.get("photos") or []
        self.photo = photos[0]["sha256"] if photos else ""
        self.photo_ratio = photos[0]["height"] / photos[0]["width"] if photos else 0.0
        self.supported = initiative["id"] in self.app.session.supported
        self.qr_data = initiative_url(self.app.config_.server_url, initiative["id"])
        self.ids.scroller.scroll_y = 1

    def support(self) -> None:
        if self.supported or not self.initiative_id:
            return
        self.app.store.add_support(self.initiative_id)
        self.app.session.supported.add(self.initiative_id)
        self._show()
        self.app.suggestion_saved()

    def suggest_about(self) -> None:
        self.app.go("suggest", initiative_id=self.initiative_id)
