"""Thank you: the receipt code, and a QR code to follow the idea on a phone."""
from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.core.handoff import receipt_url
from kiosk.core.session import MAX_SUGGESTIONS_PER_SESSION
from kiosk.ui.screens.base import KioskScreen, load_kv

load_kv(__file__)


class ThanksScreen(KioskScreen):
    receipt = StringProperty("")
    qr_data = StringProperty("")
    can_write_more = BooleanProperty(True)

    def prepare(self, receipt: str = "", **kwargs: Any) -> None:
        self.receipt = receipt or self.receipt
        self.qr_data = receipt_url(self.app.config_.server_url, self.receipt, self.app.language) if self.receipt else ""
        self.can_write_more = self.app.session.sent < MAX_SUGGESTIONS_PER_SESSION

    def on_reset(self) -> None:
        self.receipt = self.qr_data = ""
