"""One initiative: its photo (once the bench has fetched it), its texts, status and supporters, "I support this" (once per session), a QR
code to read it on a phone, and a way to write a suggestion about it; the municipality's official
response when it has given one, and the events of an action with "I'll join" (once per session)."""
from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, DictProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.boxlayout import BoxLayout

from kiosk.core.civic import local_date, local_start, response_text, upcoming
from kiosk.core.handoff import initiative_url
from kiosk.ui.names import N_, translated
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.screens.initiatives import initiative_texts, row_data
from kiosk.ui.tr import _, ngettext
from kiosk.ui.widgets.photo import PhotoImage  # noqa: F401  (used by the kv rules)

load_kv(__file__)

EMPTY = {"initiative_id": "", "title": "", "summary": "", "language": "", "meta": "", "note": "", "supporters": "",
         "body": ""}
DECISIONS = {"accepted": N_("Accepted"), "under_study": N_("Under study"), "not_possible": N_("Not possible")}
NO_RESPONSE = {"heading": "", "decision": "", "text": "", "language": ""}


def event_rows(events: list[dict[str, Any]], pending: dict[str, int], joined: set[str]) -> list[dict[str, Any]]:
    """What each event row shows; the count adds this bench's joins not sent yet."""
    rows = []
    for event in upcoming(events):
        count = event["join_count"] + pending.get(event["id"], 0)
        wanted = event.get("people_wanted")
        people = (ngettext("{count} person has joined, {wanted} wanted", "{count} people have joined, {wanted} wanted",
                           count) if wanted else
                  ngettext("{count} person has joined", "{count} people have joined", count)).format(
            count=count, wanted=wanted)
        needed = _("What is needed: {needed}").format(needed=event["needed"]) if event.get("needed") else ""
        rows.append({"event_id": event["id"], "when": f"{local_start(event['starts_at'])}  ·  {event['place']}",
                     "needed": needed, "people": people, "joined": event["id"] in joined})
    return rows


class EventRow(BoxLayout):
    """One event of an action: when and where, what is needed, who joined, and "I'll join"."""
    event_id = StringProperty("")
    when = StringProperty("")
    needed = StringProperty("")
    people = StringProperty("")
    joined = BooleanProperty(False)


class InitiativeScreen(KioskScreen):
    initiative_id = StringProperty("")
    # row_data plus "body". kv reads it as root.shown["title"]: Kivy does not re-evaluate
    # root.shown.get(...) when the dict is replaced, so every key is always present.
    shown = DictProperty(EMPTY)
    supported = BooleanProperty(False)
    qr_data = StringProperty("")
    photo = StringProperty("")          # sha256 of the first photo, "" for none
    photo_ratio = NumericProperty(0.0)  # its height / width
    response = DictProperty(NO_RESPONSE)  # the municipality's word: heading, decision line, text
    events = ListProperty()               # event_rows(...)

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
        texts, _note, _shown_in = initiative_texts(initiative, language)
        pending = self.app.store.pending_supports().get(initiative["id"], 0)
        self.shown = {**row_data(initiative, language, pending), "body": texts.get("body", "")}
        photos = initiative.get("photos") or []
        self.photo = photos[0]["sha256"] if photos else ""
        self.photo_ratio = photos[0]["height"] / photos[0]["width"] if photos else 0.0
        self.supported = initiative["id"] in self.app.session.supported
        self.qr_data = initiative_url(self.app.config_.server_url, initiative["id"], language)
        self.response = self._response(initiative.get("official_response"), language)
        self.events = event_rows(initiative.get("events") or [], self.app.store.pending_joins(), self.app.session.joined)
        self._fill_events()
        self.ids.scroller.scroll_y = 1

    @staticmethod
    def _response(response: dict[str, Any] | None, language: str) -> dict[str, str]:
        if not response:
            return NO_RESPONSE
        text, shown_in = response_text(response, language)
        return {"heading": _("The municipality's official response"),
                "decision": f"{translated(DECISIONS, response['decision'])}  ·  {local_date(response['decided_on'])}",
                "text": text, "language": shown_in}

    def _fill_events(self) -> None:
        box = self.ids.events_box
        box.clear_widgets()
        for row in self.events:
            box.add_widget(EventRow(**row))

    def join(self, event_id: str) -> None:
        """ "I'll join": queued for the server like a support, once per event and session."""
        if event_id in self.app.session.joined:
            return
        self.app.store.add_join(event_id)
        self.app.session.joined.add(event_id)
        self._show()
        self.app.suggestion_saved()

    def support(self) -> None:
        if self.supported or not self.initiative_id:
            return
        self.app.store.add_support(self.initiative_id)
        self.app.session.supported.add(self.initiative_id)
        self._show()
        self.app.suggestion_saved()

    def suggest_about(self) -> None:
        self.app.go("suggest", initiative_id=self.initiative_id)
