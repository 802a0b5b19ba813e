"""One initiative: its texts, status and supporters, "I support this" (once per session), a QR
code to read it on a phone, and a way to write a suggestion about it."""
from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, DictProperty, StringProperty

from kiosk.core.handoff import initiative_url
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.screens.initiatives import initiative_texts, row_data

load_kv(__file__)

EMPTY = {"initiative_id": "", "title": "", "summary": "", "meta": "", "note": "", "supporters": "", "body": ""}


class InitiativeScreen(KioskScreen):
    initiative_id = StringProperty("")
    # row_data plus "body". kv reads it as root.shown["title"]: Kivy does not re-evaluate
    # root.shown.get(...) when the dict is replaced, so every key is always present.
    shown = DictProperty(EMPTY)
    supported = BooleanProperty(False)
    qr_data = StringProperty("")

    def on_kv_post(self, *args: Any) -> None:
        self.app.bind(language=lambda *_: self._show())

    def prepare(self, initiative_id: str = "", **kwargs: Any) -> None:
        self.initiative_id = initiative_id or self.initiative_id
        self._show()

    def _show(self) -> None:
        initiative = self.app.store.initiative(self.initiative_id) if self.initiative_id else None
        if initiative is None:
            self.shown = EMPTY
            return
        language = self.app.language
        texts, _note = initiative_texts(initiative, language)
        self.shown = {**row_data(initiative, language), "body": texts.get("body", "")}
        self.supported = initiative["id"] in self.app.session.supported
        self.qr_data = initiative_url(self.app.config_.server_url, initiative["id"])
        self.ids.scroller.scroll_y = 1

    def support(self) -> None:
        if self.supported or not self.initiative_id:
            return
        self.app.store.add_support(self.initiative_id)
        self.app.session.supported.add(self.initiative_id)
        self.supported = True
        self.app.suggestion_saved()

    def suggest_about(self) -> None:
        self.app.go("suggest", initiative_id=self.initiative_id)
