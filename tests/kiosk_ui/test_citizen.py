"""A citizen taps through the kiosk: browse, search, support, write in every keyboard layout,
see the receipt; the language switches mid-typing; the kiosk resets when left alone.
Every step is a tap on the window (see conftest), never a direct call into the app."""
from __future__ import annotations

import pytest

from kiosk.core.store import BenchStore
from kiosk.ui.tr import tr

MOSTAR_BINS = "5b1f7f0e-3f53-4a59-9d43-0c8a7d1f2e10"


@pytest.mark.parametrize("language", ["sr", "sr-Latn"])
def test_every_screen_in_both_scripts(kiosk, language):
    suffix = "cyrillic" if language == "sr" else "latin"
    kiosk.app.set_language(language)
    kiosk.screenshot(f"attract-{suffix}")
    kiosk.open_pin()
    kiosk.type_pin("1234")
    assert kiosk.screen().message == tr._("Wrong PIN.")
    kiosk.screenshot(f"pin-{suffix}")
    kiosk.type_pin("0000")
    assert kiosk.app.manager.current == "diagnostics"
    kiosk.screenshot(f"diagnostics-{suffix}")
    kiosk.tap(kiosk.button(tr._("Back to the start screen")))
    kiosk.start(language)
    kiosk.screenshot(f"initiatives-{suffix}")
    row = kiosk.find(cls="InitiativeRow")[1]
    kiosk.tap(row)
    assert kiosk.app.manager.current == "initiative" and kiosk.screen().initiative_id == row.initiative_id
    assert kiosk.find(kiosk.screen(), text=row.title, cls="Heading"), "the initiative's text is shown"
    kiosk.screenshot(f"initiative-{suffix}")
    kiosk.tap(kiosk.button(tr._("Write a suggestion about this")))
    kiosk.type_on_keys("Клупе" if language == "sr" else "Klupe")
    kiosk.screenshot(f"suggest-{suffix}")
    kiosk.tap(kiosk.button(tr._("Contact (optional)")))
    kiosk.screenshot(f"contact-{suffix}")
    kiosk.tap(kiosk.button(tr._("Back to my text")))
    kiosk.tap(kiosk.button(tr._("Preview")))
    kiosk.screenshot(f"preview-{suffix}")
    kiosk.tap(kiosk.button(tr._("Send")))
    assert kiosk.app.manager.current == "thanks"
    kiosk.screenshot(f"thanks-{suffix}")
    kiosk.tap(kiosk.button(tr._("What became of the ideas")))
    kiosk.screenshot(f"results-{suffix}")


@pytest.mark.parametrize("hold_s", [0.1, 0.4])
def test_a_tap_on_a_list_row_opens_it(kiosk, hold_s):
    """Regression: the hidden search keyboard (disabled, height 0, its keys laid out over the list)
    swallowed every tap on the rows. A quick tap and one held past the ScrollView's 0.25 s."""
    kiosk.start("bs")
    for index in range(2):
        row = kiosk.find(cls="InitiativeRow")[index]
        kiosk.tap(row, hold_s=hold_s)
        assert kiosk.app.manager.current == "initiative" and kiosk.screen().initiative_id == row.initiative_id
        kiosk.tap(kiosk.button(tr._("Back to the list")))


def test_a_hidden_form_step_does_not_cover_the_visible_one(kiosk):
    """Regression: a step hidden after being shown kept its height and its disabled buttons, over
    the step in view (the Preview of the write step could not be tapped after a visit ended in preview)."""
    kiosk.start("en")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.type_on_keys("shade")
    kiosk.tap(kiosk.button(tr._("Preview")))
    kiosk.tap(kiosk.button(tr._("Edit")))
    screen = kiosk.screen()
    assert screen.step == "write"
    hidden = [box for box in screen.walk(restrict=True) if type(box).__name__ == "StepBox" and not box.shown]
    assert all(box.height == 0 for box in hidden)
    kiosk.tap(kiosk.button(tr._("Preview")))
    assert screen.step == "preview"

def test_search_as_you_type_finds_across_scripts(kiosk):
    kiosk.start("bs")
    search = kiosk.screen().ids.search
    kiosk.tap(search)
    assert kiosk.screen().typing, "the keyboard appears when the search field is touched"
    kiosk.type_on_keys("stopa")  # none of the sample titles
    kiosk.frames(12)
    assert kiosk.find(cls="InitiativeRow") == []
    kiosk.screenshot("search-nothing")
    for _ in range(5):
        kiosk.tap(kiosk.key("⌫"))
    kiosk.type_on_keys("biciklisti")  # the Cyrillic-only initiative, typed in Latin
    kiosk.frames(12)
    titles = [row.title for row in kiosk.find(cls="InitiativeRow")]
    assert titles == ["[PRIMJER] Biciklistička staza do Starog mosta"], titles
    kiosk.tap(kiosk.button(tr._("Show results")))
    assert not kiosk.screen().typing



def test_category_filter(kiosk):
    kiosk.start("en")
    kiosk.tap(kiosk.button("Youth"))
    titles = [row.title for row in kiosk.find(cls="InitiativeRow")]
    assert titles == ["[PRIMJER] Otvorena čitaonica za mlade"]
    assert "original" in kiosk.find(cls="InitiativeRow")[0].note  # no English text: the note says so


def test_support_once_per_session(kiosk):
    store = kiosk.app.store
    before = store.backlog()["supports"]
    kiosk.start("bs")
    bins = [row for row in kiosk.find(cls="InitiativeRow") if row.initiative_id == MOSTAR_BINS][0]
    kiosk.tap(bins)
    kiosk.tap(kiosk.button(tr._("I support this")))
    kiosk.tap(kiosk.button("✓ " + tr._("Supported")))  # a second tap counts nothing
    kiosk.tap(kiosk.button(tr._("Back to the list")))
    kiosk.tap([row for row in kiosk.find(cls="InitiativeRow") if row.initiative_id == MOSTAR_BINS][0])
    assert not kiosk.find(kiosk.screen(), text=tr._("I support this"))
    assert kiosk.find(kiosk.screen(), text="✓ " + tr._("Supported"))
    assert store.backlog()["supports"] == before + 1


@pytest.mark.parametrize("language,layout,text", [
    ("bs", "latin", "Đaci žele džep šuma ćup"),
    ("sr", "cyrillic", "Љубиње њива ђак џеп ћуприја"),
    ("en", "english", "More shade"),
])
def test_suggestion_typed_on_each_layout_gets_a_receipt(kiosk, language, layout, text):
    kiosk.start(language)
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    keyboard = kiosk.screen().ids.keyboard
    assert keyboard.layout_name == layout
    assert min(min(k.width, k.height) for k in keyboard.walk(restrict=True)
               if type(k).__name__ == "Key") >= 88, "every key is at least 15 mm"
    kiosk.type_on_keys(text)
    assert kiosk.screen().ids.text.text == text
    kiosk.tap(kiosk.button(tr._("Preview")))
    kiosk.tap(kiosk.button(tr._("Send")))
    thanks = kiosk.screen()
    assert kiosk.app.manager.current == "thanks"
    on_disk = BenchStore(kiosk.app.config_.store_path)  # a second connection reads the file
    try:
        saved = on_disk.suggestion_by_receipt(thanks.receipt)
    finally:
        on_disk.close()
    assert saved.text == text and saved.language == language
    assert kiosk.find(thanks, text=thanks.receipt), "the receipt code is on screen"
    assert thanks.qr_data == f"https://klupe.example.ba/r/{thanks.receipt}?lang={language}"  # the reader's language
    qr = kiosk.find(thanks, cls="QRCode")[0]
    assert qr.width >= 206, "35 mm at 149 dpi"



def test_keyboard_switches_layout_and_dz_is_one_key(kiosk):
    kiosk.start("hr")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.tap(kiosk.key("dž"))
    assert kiosk.screen().ids.text.text == "dž"  # one tap, both letters
    kiosk.tap(kiosk.key("Ћирилица"))
    kiosk.tap(kiosk.key("џ"))
    kiosk.tap(kiosk.key("English"))
    kiosk.tap(kiosk.key("?123"))
    kiosk.tap(kiosk.key("7"))
    assert kiosk.screen().ids.text.text == "džџ7"



def test_language_switch_mid_typing_keeps_the_text(kiosk):
    kiosk.start("bs")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.type_on_keys("Više klupa")
    kiosk.tap(kiosk.button("BS"))  # the language button of the top bar
    kiosk.tap(kiosk.find(text="Српски")[0])  # in the language popup
    assert kiosk.app.language == "sr"
    screen = kiosk.screen()
    assert screen.ids.text.text == "Više klupa"
    assert screen.ids.keyboard.layout_name == "cyrillic"
    assert kiosk.find(screen, text="Преглед"), "the labels follow the language"
    kiosk.type_on_keys(" и сјене")
    assert screen.ids.text.text == "Više klupa и сјене"


def test_keys_rebuilt_while_the_keyboard_is_hidden_work(kiosk):
    """The suspected cause of "keys stay disabled": the layout is rebuilt (language switch) while
    the keyboard is hidden (out of the window) in the preview step. They come back enabled and type."""
    kiosk.start("en")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.type_on_keys("Bench")
    kiosk.tap(kiosk.button(tr._("Preview")))
    keyboard = kiosk.screen().ids.keyboard
    assert keyboard.get_parent_window() is None, "a hidden keyboard is not on the screen at all"
    kiosk.tap(kiosk.button("EN"))
    kiosk.tap(kiosk.find(text="Hrvatski")[0])
    assert keyboard.layout_name == "latin"
    kiosk.tap(kiosk.button(tr._("Edit")))
    assert not [key for key in keyboard.walk(restrict=True) if type(key).__name__ == "Key" and key.disabled]
    kiosk.type_on_keys(" Žuta")
    assert kiosk.screen().ids.text.text == "Bench Žuta"


def test_contact_in_text_is_pointed_out_and_duplicates_refused(kiosk):
    kiosk.start("en")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.screen().ids.text.insert_text("Call me on 061 123 456 about the park")
    kiosk.tap(kiosk.button(tr._("Preview")))
    screen = kiosk.screen()
    assert screen.found_contacts == ["061 123 456"]
    kiosk.screenshot("preview-contact-warning")
    assert not [w for w in kiosk.find(screen, text=tr._("Send")) if not w.disabled], "the citizen decides first"
    kiosk.tap(kiosk.button(tr._("Remove it from the text")))
    assert "061" not in screen.ids.text.text
    kiosk.tap(kiosk.button(tr._("Send")))
    assert kiosk.app.manager.current == "thanks"
    kiosk.tap(kiosk.button(tr._("Write another idea")))
    kiosk.screen().ids.text.insert_text("call me on  about the PARK")  # what was sent, typed again
    kiosk.tap(kiosk.button(tr._("Preview")))
    kiosk.tap(kiosk.button(tr._("Send")))
    assert kiosk.app.manager.current == "suggest"
    assert "same text" in kiosk.screen().message


def test_idle_warning_then_reset_wipes_typing(kiosk):
    kiosk.start("en")
    kiosk.tap(kiosk.button(tr._("Suggest an idea")))
    kiosk.type_on_keys("unsent")
    idle, screen = kiosk.app.idle, kiosk.screen()
    kiosk.wait(idle.timeout_s - 3, step=1.0)
    assert not idle.warning, "no warning before the idle timeout"
    for _ in range(8):
        kiosk.wait(0.5, step=0.5)
        if idle.warning:
            break
    warning = kiosk.find(cls="IdleWarning")
    assert warning and warning[0].seconds_left >= 20
    kiosk.screenshot("idle-warning")
    kiosk.wait(19, step=1.0)
    assert idle.warning and screen.ids.text.text == "unsent", "at least 20 s to come back"
    kiosk.tap(kiosk.key("x"))  # one tap anywhere continues, and does nothing else
    assert not idle.warning and not kiosk.find(cls="IdleWarning")
    assert kiosk.app.manager.current == "suggest" and screen.ids.text.text == "unsent"
    kiosk.wait(idle.timeout_s + idle.warning_s + 1, step=1.0)
    assert kiosk.app.manager.current == "attract"
    assert screen.ids.text.text == ""
    assert kiosk.app.language == "bs", "back to the bench's default language"
