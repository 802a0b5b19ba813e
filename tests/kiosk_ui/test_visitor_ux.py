"""What a passer-by sees at each fix of the kiosk's usability issue: a refusal next to its field
that goes at the next keystroke, a support that turns into a green tick with the count moved, a
next visitor who inherits nothing. Every step is a tap on the real window (see conftest)."""
from __future__ import annotations

from kivy.core.text import Label as CoreLabel
from kivy.core.window import Window

from kiosk.ui.palette import COLORS, ratio
from kiosk.ui.tr import tr
from tests.kiosk_ui.conftest import visible
from tests.kiosk_ui.test_citizen import MOSTAR_BINS

GAP_PX = 40  # "next to": the message starts within this distance of its field


def shown_message(kiosk, widget_id: str):
    label = kiosk.screen().ids[widget_id]
    return label if label.text and visible(label) and label.height > 0 else None


def below(message, field) -> bool:
    """The message is just under the field, in the same column, and on the window."""
    _x, message_top = message.to_window(message.x, message.top)
    _x, field_bottom = field.to_window(field.x, field.y)
    return 0 <= field_bottom - message_top <= GAP_PX and message.y >= 0 and message_top <= Window.height


def test_an_empty_idea_is_refused_under_the_text_and_the_next_key_clears_it(kiosk):
    kiosk.start("bs")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.tap(kiosk.button(tr._("Preview")))
    message = shown_message(kiosk, "text_message")
    assert message is not None and message.text == "Prvo napišite svoju ideju."
    assert below(message, kiosk.screen().ids.text), "the refusal sits under the text field"
    assert ratio(message.color, COLORS["page"]) >= 4.5
    kiosk.screenshot("error-under-text-bs")
    kiosk.type_on_keys("K")
    assert shown_message(kiosk, "text_message") is None, "the first keystroke answers the refusal"


def test_a_contact_without_consent_is_refused_next_to_the_consent_box(kiosk):
    kiosk.start("en")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.type_on_keys("Benches")
    kiosk.tap(kiosk.button(tr._("Contact (optional)")))
    kiosk.screen().ids.contact.insert_text("ana@example.org")
    kiosk.tap(kiosk.button(tr._("Preview")))
    screen = kiosk.screen()
    message = shown_message(kiosk, "consent_message")
    assert screen.step == "contact" and message is not None
    assert message.text == "To leave a contact, tick the consent line, or clear the contact."
    assert below(message, screen.ids.consent), "the refusal sits under the consent box"
    kiosk.screenshot("error-under-consent-en")
    kiosk.tap(screen.ids.consent)
    assert shown_message(kiosk, "consent_message") is None, "ticking the box answers it"
    kiosk.tap(kiosk.button(tr._("Preview")))
    kiosk.tap(kiosk.button(tr._("Send")))
    assert kiosk.app.store.suggestion_by_receipt(kiosk.screen().receipt).contact == "ana@example.org"


def test_support_turns_into_a_green_tick_and_the_count_moves_at_once(kiosk):
    kiosk.start("en")
    kiosk.tap([row for row in kiosk.find(cls="InitiativeRow") if row.initiative_id == MOSTAR_BINS][0])
    screen = kiosk.screen()
    before = screen.shown["supporters"]
    kiosk.tap(kiosk.button(tr._("I support this")))
    button = screen.ids.support
    assert button.text == "✓ Supported" and not button.disabled
    assert tuple(button.background_color) == COLORS["support"], "green, not a disabled grey"
    assert ratio(button.color, button.background_color) >= 4.5
    count = int("".join(ch for ch in before if ch.isdigit()))
    assert screen.shown["supporters"] == f"{count + 1} supporters"
    assert kiosk.find(screen, text=screen.shown["supporters"]), "the new count is on screen"
    kiosk.screenshot("supported-en")


def test_the_next_visitor_gets_the_default_keyboard_without_shift(kiosk):
    kiosk.start("bs")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    keyboard = kiosk.screen().ids.keyboard
    kiosk.tap(kiosk.key("Ћирилица"))
    kiosk.tap(kiosk.special_key("shift"))
    assert (keyboard.layout_name, keyboard.mode) == ("cyrillic", "shift")
    idle = kiosk.app.idle
    kiosk.wait(idle.timeout_s + idle.warning_s + 1, step=1.0)
    assert kiosk.app.manager.current == "attract"
    kiosk.start("bs")  # the next person, in the bench's language
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    assert (keyboard.layout_name, keyboard.mode) == ("latin", "normal")
    assert kiosk.key("š") and kiosk.key("q"), "small Latin letters on the keys"


def test_results_count_ideas_by_state_and_show_no_receipt_codes(kiosk):
    kiosk.start("en")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.type_on_keys("More trees")
    kiosk.tap(kiosk.button(tr._("Preview")))
    kiosk.tap(kiosk.button(tr._("Send")))
    receipt = kiosk.screen().receipt
    counts = kiosk.app.store.suggestion_counts()
    kiosk.tap(kiosk.button(tr._("What became of the ideas")))
    kiosk.frames(4)
    rows = kiosk.find(kiosk.screen(), cls="StateRow")
    shown = {row.state: row.count for row in rows}
    waiting = counts["pending"]
    assert shown[tr._("Waiting to be sent")] == f"{waiting} idea" + ("" if waiting == 1 else "s")
    texts = [w.text for w in kiosk.screen().walk(restrict=True) if isinstance(getattr(w, "text", None), str)]
    assert not [t for t in texts if receipt in t or "More trees" in t], "no visitor's code or text"
    kiosk.screenshot("results-en")


def test_the_contact_step_has_a_heading_digits_first_and_refuses_a_non_contact(kiosk):
    kiosk.start("bs")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.type_on_keys("Klupe")
    kiosk.tap(kiosk.button(tr._("Contact (optional)")))
    screen = kiosk.screen()
    heading = screen.ids.contact_heading
    assert heading.text == "Vaš kontakt (nije obavezno)" and visible(heading) and heading.bold
    keyboard = screen.ids.keyboard
    first_row = [key.text for key in reversed(keyboard.children[-1].children) if type(key).__name__ == "Key"]
    assert first_row[:10] == list("1234567890") and kiosk.key("@"), "digits and @ without ?123"
    box = screen.ids.consent
    assert box.height >= 88 and box.font_name == screen.ids.contact_heading.font_name, "large, same font"
    kiosk.type_on_keys("ana")
    kiosk.tap(box)
    kiosk.tap(kiosk.button(tr._("Preview")))
    message = shown_message(kiosk, "contact_message")
    assert screen.step == "contact" and message is not None
    assert message.text.startswith("Upišite e-mail adresu (npr. ana@example.org)")
    kiosk.screenshot("contact-refused-bs")
    kiosk.tap(kiosk.key("@"))
    assert shown_message(kiosk, "contact_message") is None, "the next key clears it"
    kiosk.type_on_keys("example.org")
    kiosk.tap(kiosk.button(tr._("Preview")))
    assert screen.step == "preview"
    kiosk.tap(kiosk.button(tr._("Edit")))
    assert keyboard.layout_name == "latin", "the idea is typed in letters again"


def test_the_idle_prompt_is_calm_with_a_countdown_and_a_continue_button(kiosk):
    kiosk.start("en")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    idle = kiosk.app.idle
    kiosk.wait(idle.timeout_s + 2, step=1.0)
    prompt = kiosk.find(cls="IdleWarning")[0]
    face = kiosk.app.idle_warning.ids.idle_box.canvas.before.children[0].rgba
    assert tuple(face) == COLORS["calm"], "not alarm-red"
    start = prompt.fraction_left
    kiosk.wait(5, step=1.0)
    assert prompt.fraction_left < start and "seconds" in prompt.ids.countdown.text
    kiosk.tap(kiosk.button(tr._("Continue"), root=prompt))
    assert not idle.warning and kiosk.app.manager.current == "suggest"


def inside(widget, view) -> bool:
    """The whole widget within the scroll view's rectangle on the window."""
    _x, bottom = widget.to_window(widget.x, widget.y)
    _x, top = widget.to_window(widget.x, widget.top)
    _x, view_bottom = view.to_window(view.x, view.y)
    _x, view_top = view.to_window(view.x, view.top)
    return view_bottom - 1 <= bottom and top <= view_top + 1


def hint_fits(field) -> bool:
    """A text field's hint, as drawn in its font and size, fits inside the field's padding."""
    label = CoreLabel(text=field.hint_text, font_size=field.font_size, font_name=field.font_name)
    label.refresh()
    return label.texture.width <= field.width - field.padding[0] - field.padding[2]


def test_the_contact_hint_fits_its_field_at_normal_size(kiosk):
    kiosk.start("bs")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.type_on_keys("Klupa")
    kiosk.tap(kiosk.button(tr._("Contact (optional)")))
    kiosk.frames(3)
    assert hint_fits(kiosk.screen().ids.contact)
    kiosk.tap(kiosk.button(tr._("Back to my text")))


def test_in_large_text_the_contact_step_opens_on_its_heading_and_field(kiosk):
    """The step scrolls in large text; it starts at the top, where the typing goes."""
    kiosk.start("en")
    kiosk.app.set_large_text(True)
    try:
        for attempt in range(2):  # the first visit, and a second one after the step was scrolled
            kiosk.tap(kiosk.button(tr._("Suggest an idea")))
            kiosk.type_on_keys("Bench")
            kiosk.tap(kiosk.button(tr._("Contact (optional)")))
            kiosk.frames(3)
            screen = kiosk.screen()
            view = screen.ids.contact_scroller
            assert view.viewport_size[1] > view.height, "large text: the step is taller than its room"
            assert inside(screen.ids.contact_heading, view) and inside(screen.ids.contact, view), attempt
            assert hint_fits(screen.ids.contact), "the hint is read whole, not cut at the field's edge"
            if attempt == 0:
                kiosk.screenshot("contact-large-en")
                for language in ("bs", "hr", "sr", "sr-Latn", "en"):
                    kiosk.app.set_language(language)
                    kiosk.frames(2)
                    assert hint_fits(screen.ids.contact), language
            view.scroll_y = 0  # the visitor scrolls down to the consent, then goes back to the text
            kiosk.frames(2)
            kiosk.tap(kiosk.button(tr._("Back to my text")))
    finally:
        kiosk.app.set_large_text(False)
