"""The suggestion form: text with a visible limit, optional category and initiative, optional
contact only with explicit consent, and a preview that points out contact details typed into the
public text. Saving is durable before the thank-you screen shows.

"Continue on your phone" shows, in the keyboard's place, a signed QR code captioned "Finish on your
phone" that carries the draft typed so far (see docs/api.md, hand-off): the draft gets its id when
its QR is first drawn, and if the citizen sends from the bench after all, the bench's item keeps
that id, so the server stores one suggestion whichever side sends first. A draft left on the bench
is never queued: only "Send" queues."""
from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.properties import BooleanProperty, ListProperty, StringProperty

from kiosk.core.handoff import continue_url
from kiosk.core.privacy import contact_details, is_contact, without_contact_details
from kiosk.core.receipts import uuid7
from kiosk.core.store import MAX_SHORT_CHARS, MAX_TEXT_CHARS, InvalidItem
from kiosk.ui.names import CATEGORIES, translated
from kiosk.ui.screens.base import KioskScreen, load_kv
from kiosk.ui.screens.initiatives import initiative_texts
from kiosk.ui.tr import _
from kiosk.ui.widgets.choice_popup import ChoicePopup
from kiosk.ui.widgets.keyboard import CONTACT_LAYOUT, LAYOUT_FOR_LANGUAGE

load_kv(__file__)


class SuggestScreen(KioskScreen):
    step = StringProperty("write")  # write | contact | preview
    category = StringProperty("")
    initiative_id = StringProperty("")
    initiative_title = StringProperty("")
    initiative_language = StringProperty("")  # the title's (the audio guide reads it in its voice)
    consent = BooleanProperty(False)
    found_contacts = ListProperty()
    message = StringProperty("")  # a refusal, said kindly, shown next to the field it is about
    message_at = StringProperty("text")  # text | contact | consent | send: where the message is drawn
    draft_id = StringProperty("")     # made when the hand-off QR is first drawn for this draft
    handoff_url = StringProperty("")  # the signed "continue on your phone" link now on screen
    handoff_possible = BooleanProperty(False)  # the bench has a token to sign the link with

    max_text = MAX_TEXT_CHARS
    max_contact = MAX_SHORT_CHARS

    def on_kv_post(self, *args: Any) -> None:
        self.ids.keyboard.target = self.ids.text
        # The next keystroke or tick answers the message: it must not stay red over a fixed field.
        for field in (self.ids.text, self.ids.contact):
            field.bind(text=lambda *_: self._clear_message())
        self.bind(consent=lambda *_: self._clear_message())
        self.app.bind(language=lambda *_: self._show_initiative())
        self.app.bind(language=lambda *_: self.handoff_url and self.open_handoff())

    def open_handoff(self) -> None:
        """The QR for the draft typed so far, in the reader's language. A bench without a token
        offers none: the server could not check the link's signature."""
        config = self.app.config_
        if not config.token:
            return
        self.draft_id = self.draft_id or str(uuid7())
        self.handoff_url = continue_url(config.server_url, config.bench_id, config.token, self.draft_id,
                                        self.ids.text.text, self.app.language, self.initiative_id or None)

    def close_handoff(self) -> None:
        self.handoff_url = ""
        self.set_step("write")

    def prepare(self, initiative_id: str | None = None, **kwargs: Any) -> None:
        if initiative_id:
            self.initiative_id = initiative_id
        self._show_initiative()
        self.message = ""
        self.set_step("write" if self.step != "preview" else "preview")
        self.handoff_possible = bool(self.app.config_.token)

    def _say(self, message: str, at: str) -> None:
        self.message, self.message_at = message, at
        if at in ("contact", "consent"):  # in large text the step scrolls: bring the message into view
            label = self.ids[f"{at}_message"]
            Clock.schedule_once(lambda _dt: self.ids.contact_scroller.scroll_to(label, padding=20, animate=False))

    def _clear_message(self) -> None:
        self.message = ""

    def _show_initiative(self) -> None:
        initiative = self.app.store.initiative(self.initiative_id) if self.initiative_id else None
        texts, _note, shown_in = initiative_texts(initiative, self.app.language) if initiative else ({}, "", "")
        self.initiative_title, self.initiative_language = texts.get("title", ""), shown_in

    def set_step(self, step: str) -> None:
        self.step = step
        self.handoff_url = ""
        field = {"write": self.ids.text, "contact": self.ids.contact}.get(step)
        keyboard = self.ids.keyboard
        keyboard.target = field
        # A contact is digits and "@" first; the idea is typed in the language's letters.
        keyboard.layout_name = CONTACT_LAYOUT if step == "contact" else LAYOUT_FOR_LANGUAGE[self.app.language]
        keyboard.mode = "normal"
        if field is not None:
            field.focus = True
        if step == "preview":
            self.found_contacts = contact_details(self.ids.text.text)
        if step == "contact":  # opens on its heading and field (in large text the step scrolls)
            self.ids.contact_scroller.scroll_y = 1

    def choose_category(self) -> None:
        options = [("", _("No category"))] + [(code, _(name)) for code, name in CATEGORIES.items()]
        ChoicePopup(_("Category"), options, self._set_category, selected=self.category).open(animation=False)

    def _set_category(self, code: str) -> None:
        self.category = code

    def category_label(self, code: str) -> str:
        return translated(CATEGORIES, code) if code else _("Category: none")

    def clear_initiative(self) -> None:
        self.initiative_id = ""
        self.initiative_title = self.initiative_language = ""
        if self.handoff_url:
            self.open_handoff()

    def preview(self) -> None:
        text = self.ids.text.text.strip()
        if not text:
            self._say(_("Please write your idea first."), "text")
            return
        contact = self.ids.contact.text.strip()
        if contact and not is_contact(contact):
            self.set_step("contact")
            self._say(_("Please write an e-mail address (like ana@example.org) or a phone number (like 061 123 456)."), "contact")
            return
        if contact and not self.consent:
            self.set_step("contact")
            self._say(_("To leave a contact, tick the consent line, or clear the contact."), "consent")
            return
        self.message = ""
        self.set_step("preview")

    def remove_contacts_from_text(self) -> None:
        self.ids.text.text = without_contact_details(self.ids.text.text)
        self.found_contacts = contact_details(self.ids.text.text)

    def send(self) -> None:
        text = self.ids.text.text
        refusal = self.app.session.refusal(text)
        if refusal == "limit":
            self._say(_("Thank you for so many ideas! A few per visit is the limit, so others get a turn."), "send")
            return
        if refusal == "duplicate":
            self._say(_("You have just sent this same text. Change it, or write a new idea."), "send")
            return
        contact = self.ids.contact.text.strip()
        try:
            saved = self.app.store.add_suggestion(
                text, self.app.language, initiative_id=self.initiative_id or None,
                category=self.category or None, contact=contact or None,
                contact_consent=self.consent and bool(contact), draft_id=self.draft_id or None)
        except InvalidItem:
            self._say(_("This text cannot be sent. Please check it and try again."), "send")
            return
        self.app.session.record_sent(text)
        self.app.suggestion_saved()
        self.on_reset()
        self.app.go("thanks", receipt=saved.receipt)

    def on_reset(self) -> None:
        self.ids.text.text = ""
        self.ids.contact.text = ""
        self.consent = False
        self.category = ""
        self.clear_initiative()
        self.found_contacts = []
        self.message = ""
        self.step = "write"
        self.draft_id = self.handoff_url = ""  # the next visitor's draft is a new one

