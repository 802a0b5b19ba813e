"""What became of the ideas from this bench. Texts show only once moderators published them: an
unmoderated text on a public screen could be anything."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from kiosk.core.store import Suggestion
from kiosk.ui.names import SUGGESTION_STATES, translated
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.tr import _

load_kv(__file__)

SHOWN = 50
PUBLIC_STATES = ("confirmed", "merged")


def result_row(suggestion: Suggestion) -> dict[str, Any]:
    state = suggestion.server_state or suggestion.sync_state
    day = datetime.fromisoformat(suggestion.created_at.replace("Z", "+00:00")).astimezone().strftime("%d.%m.%Y.")
    public = state in PUBLIC_STATES
    return {"receipt": suggestion.receipt, "day": day, "state": translated(SUGGESTION_STATES, state),
            "text": suggestion.text if public else _("The text is shown once it is published."),
            "note": suggestion.server_note or "", "public": public}


class ResultsScreen(KioskScreen):
    def on_kv_post(self, *args: Any) -> None:
        self.app.bind(language=lambda *_: self._show(), store_version=lambda *_: self._show())

    def prepare(self, **kwargs: Any) -> None:
        self._show()

    def _show(self) -> None:
        rows = [result_row(s) for s in self.app.store.recent_suggestions(SHOWN)]
        self.ids.list.data = rows
        self.ids.empty.text = "" if rows else _("No ideas have been sent from this bench yet. Be the first!")
